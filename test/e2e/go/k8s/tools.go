//go:build tools

// Package tools pins the binaries `npm run e2e:setup` builds, so that `go mod tidy` keeps their modules in go.mod.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
