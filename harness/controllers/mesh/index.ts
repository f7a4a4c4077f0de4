// Public face of the Istio mesh routing model (istio/istio pkg/config/validation +
// pilot/pkg/networking/core/route, as Envoy applies them). See compile-routes.ts for why
// recompiling on every VirtualService change is the intended use.
export { validateVirtualService } from "./validate-virtual-service.js";
export { validateDestinationRule } from "./validate-destination-rule.js";
export {
  compileRoutes,
  compileService,
  type CompileRoutesInput,
  type CompiledService,
  type CompiledVirtualHost,
  type CompiledRoute,
  type MeshRoutes,
  type RejectedConfig,
} from "./compile-routes.js";
export { routeRequest, splitHostPort, DEFAULT_ROUTE_NAME } from "./route-request.js";
export { endpointsFor, pickEndpoint, serviceOnlyRoute, type ServiceOnlyDecision } from "./endpoints.js";
export { parseGoDurationNanos, parseIstioDurationMs, validateIstioDuration, DurationParseError } from "./duration.js";
export {
  percentageToFraction,
  integerPercentToFraction,
  fractionEnabled,
  fractionShare,
  faultFraction,
  validatePercentageValue,
  type FractionalPercent,
} from "./percent.js";
export { resolveShortnameToFQDN } from "./hostnames.js";
export type * from "./types.js";
