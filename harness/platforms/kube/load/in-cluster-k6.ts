// Runs the users' load as a k6 Job inside the run's namespace, stops it through k6's REST API
// (reached through the API server's pod proxy) when the harness has seen enough, and reads the
// summary back from the pod's log. k6's exit code 99 (thresholds failed) is a result.
import { k6Job, k6ScriptConfigMap, K6_API_PORT, K6_CONTAINER, K6_JOB_NAME } from "../../../load/k6/k6-job.js";
import { k6Outcome, type K6Outcome } from "../../../load/k6/k6-summary.js";
import { isNotFound, type KubeApi } from "../api/kube-api.js";
import { resourcePath } from "../api/resources.js";
import { applyObject } from "../operate/apply.js";
import type { PodObject } from "../observe/pod-view.js";

export interface InClusterK6Options {
  api: KubeApi;
  namespace: string;
  env: Record<string, string>;
  labels: Record<string, string>;
  podLabels: Record<string, string>;
  deadlineSeconds: number;
  image?: string;
  istioSidecar?: boolean;
  /** Injected in tests; waits between looks at the pod. */
  sleep?: (ms: number) => Promise<void>;
}

/** k6's REST API: stop the test; k6 then runs teardown and handleSummary and exits. */
export const K6_STOP_BODY = { data: { type: "status", id: "default", attributes: { stopped: true } } };

export class InClusterK6 {
  private started = false;

  constructor(private readonly options: InClusterK6Options) {}

  get jobName(): string {
    return K6_JOB_NAME;
  }

  async start(): Promise<void> {
    const { api, namespace, labels } = this.options;
    await applyObject(api, k6ScriptConfigMap({ namespace, labels }));
    await applyObject(api, k6Job({ namespace, env: this.options.env, labels, podLabels: this.options.podLabels, deadlineSeconds: this.options.deadlineSeconds, image: this.options.image, istioSidecar: this.options.istioSidecar }));
    this.started = true;
  }

  private async pod(): Promise<PodObject | undefined> {
    const pods = await this.options.api.list<PodObject>(resourcePath("v1", "Pod", this.options.namespace), { labelSelector: `job-name=${K6_JOB_NAME}` });
    return pods.items.sort((a, b) => (a.metadata?.creationTimestamp ?? "").localeCompare(b.metadata?.creationTimestamp ?? "")).at(-1);
  }

  private static exitCode(pod: PodObject | undefined): number | undefined {
    return pod?.status?.containerStatuses?.find((c) => c.name === K6_CONTAINER)?.state?.terminated?.exitCode;
  }

  /** Stops k6 (if still running), waits for it to exit, and returns its summary. */
  async stop(timeoutMs = 120_000): Promise<K6Outcome | undefined> {
    if (!this.started) return undefined;
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    let pod = await this.pod();
    if (!pod) return undefined;
    const name = pod.metadata!.name!;
    let stopped = false;
    if (InClusterK6.exitCode(pod) === undefined) {
      stopped = true;
      try {
        await this.options.api.patch(`${resourcePath("v1", "Pod", this.options.namespace, name)}:${K6_API_PORT}/proxy/v1/status`, K6_STOP_BODY, "merge");
      } catch (error) {
        // k6 may have just finished on its own; its exit code below says so.
        if (!isNotFound(error) && InClusterK6.exitCode(await this.pod()) === undefined) throw new Error(`cannot stop k6 through its REST API: ${(error as Error).message}`);
      }
    }
    const deadline = Date.now() + timeoutMs;
    while (InClusterK6.exitCode(pod) === undefined) {
      if (Date.now() > deadline) throw new Error(`k6 did not exit within ${timeoutMs / 1000} s after it was stopped`);
      await sleep(1000);
      pod = await this.pod();
    }
    const log = await this.options.api.getText(`${resourcePath("v1", "Pod", this.options.namespace, name)}/log`, { container: K6_CONTAINER });
    return k6Outcome(InClusterK6.exitCode(pod)!, log, { stoppedByHarness: stopped });
  }
}
