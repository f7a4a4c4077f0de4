// Command kube is one binary for kube-apiserver, kube-controller-manager and kube-scheduler.
//
// The three programs share almost every package; linking them once instead of three times
// saves minutes on a two-core machine and hundreds of megabytes in the cache. It dispatches on
// the name it was called by (a symlink named kube-apiserver) or on its first argument
// (kube apiserver --flags...), as hyperkube did before it was retired upstream.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	_ "time/tzdata" // CronJob time zones need the database even when the host has none

	"github.com/spf13/cobra"
	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"
	_ "k8s.io/component-base/metrics/prometheus/clientgo"
	_ "k8s.io/component-base/metrics/prometheus/version"
	apiserver "k8s.io/kubernetes/cmd/kube-apiserver/app"
	controllermanager "k8s.io/kubernetes/cmd/kube-controller-manager/app"
	scheduler "k8s.io/kubernetes/cmd/kube-scheduler/app"
)

var components = map[string]func() *cobra.Command{
	"kube-apiserver":          apiserver.NewAPIServerCommand,
	"kube-controller-manager": controllermanager.NewControllerManagerCommand,
	"kube-scheduler": func() *cobra.Command {
		return scheduler.NewSchedulerCommand()
	},
}

func main() {
	name := filepath.Base(os.Args[0])
	args := os.Args[1:]
	if _, known := components[name]; !known && len(args) > 0 {
		name = "kube-" + strings.TrimPrefix(args[0], "kube-")
		args = args[1:]
	}
	newCommand, known := components[name]
	if !known {
		fmt.Fprintln(os.Stderr, "usage: kube apiserver|controller-manager|scheduler [flags] (or call it through a symlink named kube-apiserver, ...)")
		os.Exit(2)
	}
	command := newCommand()
	command.SetArgs(args)
	os.Exit(cli.Run(command))
}
