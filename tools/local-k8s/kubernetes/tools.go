//go:build tools

// Package tools pins the upstream programs built from this module that have no wrapper here.
package tools

import (
	_ "go.etcd.io/etcd/server/v3"
)
