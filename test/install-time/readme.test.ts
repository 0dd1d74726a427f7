import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { declaredKubeSphere } from '../../infra/synth/cluster/kubesphere-installer.js';
import { installTimeFindings } from '../../infra/checks/install-time.js';
import { evaluateInstall, kkCreateClusterCommand, kkInputFile } from '../../infra/install-time/index.js';
import { built } from '../support/platforms.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const section = readme.slice(readme.indexOf('## Installing the cluster'), readme.indexOf('## Applying with Pulumi'));
const kkLines = section.split('\n').filter((line) => /^kk\s/.test(line.trim()));

describe("the README's install steps", () => {
  it('run exactly the kk command the install-time rule set checks', () => {
    expect(kkLines).toEqual([kkCreateClusterCommand('test')]);
  });

  it('would give the declared KubeSphere (and the old --with-kubesphere line would not)', () => {
    const { env, platform } = built.find((b) => b.env.name === 'test')!;
    const content = (path: string) => platform.units.flatMap((u) => u.artifacts).find((a) => a.path === path)!.content;
    const file = kkInputFile(content('kubekey/cluster.yaml'), content('kubekey/cluster-configuration.yaml'));
    expect(installTimeFindings(evaluateInstall(file, kkLines[0]!), declaredKubeSphere(env), kkLines[0]!)).toEqual([]);
    const old = 'kk create cluster -f cluster-test.yaml --with-kubesphere v3.4.1';
    expect(installTimeFindings(evaluateInstall(file, old), declaredKubeSphere(env), old).length).toBeGreaterThan(0);
  });
});
