//go:build tools

// Package tools pins the Argo Rollouts controller, built from this module's dependency graph.
package tools

import (
	_ "github.com/argoproj/argo-rollouts/cmd/rollouts-controller"
)
