/**
 * The parse context of the schemas parsed a few times per process (an environment's declaration, a release file):
 * zod's interpreted parse, without its JIT fast path.
 *
 * zod 4 (`v4/core/schemas.js`, `$ZodObject`) compiles, on the first parse of each object schema, a parser of its
 * shape with `new Function` (`generateFastpass`); V8's code cache cannot keep that code, so every process compiles
 * it anew. The environment schema nests about twenty object schemas and a synth parses it twice: the compilation
 * costs more than it saves (bench/README.md). `jitless` in the parse context (zod's `ParseContext`) skips it for
 * these parses only; zod's global config is untouched. The catalog's module schema, parsed once per module, keeps the
 * fast path. Same values and issues either way: the same schema, zod's own parse.
 */
export const PARSE_CONTEXT: { readonly jitless: true } = Object.freeze({ jitless: true });
