//go:build tools

// Package tools pins the binaries `npm run e2e:setup` builds (the Pulumi CLI and the Kubernetes provider, in one
// `go build` so that they share compiled packages), so that `go mod tidy` keeps their modules in go.mod.
package tools

import (
	_ "github.com/pulumi/pulumi-kubernetes/provider/v4/cmd/pulumi-resource-kubernetes"
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
)
