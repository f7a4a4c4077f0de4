// Chaos actions scheduled on a run's timeline (DESIGN.md §3): the scenario syntax, the schedule,
// and the action families it fires.
export { ChaosSchedule, type ChaosScheduleOptions } from "./schedule.js";
export type { ChaosContext, ChaosEffect, ChaosFamily } from "./effect.js";
export { CHAOS_ACTIONS, chaosActionSchema, resolveVersion, type ChaosAction, type ChaosActionName } from "./schema.js";
