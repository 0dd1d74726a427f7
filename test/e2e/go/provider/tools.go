//go:build tools

// Package tools pins the Kubernetes provider `npm run e2e:setup` builds. It is a module of its own: the provider
// (v4.25.0) compiles only against the github.com/pulumi/pulumi/pkg/v3 its go.mod requires (v3.215.0), not against the
// CLI's v3.248.0, whose codegen/schema API changed.
package tools

import _ "github.com/pulumi/pulumi-kubernetes/provider/v4/cmd/pulumi-resource-kubernetes"
