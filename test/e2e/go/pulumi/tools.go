//go:build tools

// Package tools pins the Pulumi CLI `npm run e2e:setup` builds, so that `go mod tidy` keeps its modules in go.mod.
// The Kubernetes provider is a module of its own (../provider): it needs an older github.com/pulumi/pulumi/pkg/v3.
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
