// The seam between the Rollout twin and the AnalysisRun twin: what rollout/analysis.go needs from
// AnalysisRuns (create, read status.phase/message, patch spec.terminate).
export type AnalysisKind = "Step" | "Background" | "PrePromotion" | "PostPromotion";
export type AnalysisPhase = "Pending" | "Running" | "Successful" | "Failed" | "Error" | "Inconclusive";

export interface AnalysisPort {
  start(req: {
    name: string;
    kind: AnalysisKind;
    templates: Array<{ templateName?: string; clusterScope?: boolean }>;
    args: Array<{ name: string; value?: string }>;
  }): void;
  phase(name: string): AnalysisPhase;
  message(name: string): string | undefined;
  terminate(name: string): void;
}
