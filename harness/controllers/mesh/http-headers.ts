// Mirrors istio/istio pkg/config/validation/validation.go: ValidateHTTPHeaderNameOrJwtClaimRoute,
// ValidateHTTPHeaderWithAuthorityOperationName, ValidateHTTPHeaderOperationName,
// ValidateHTTPHeaderValue; header_value_validator.go: validateHeaderValue (Envoy %VAR% syntax);
// pkg/jwt/routing.go: ToRoutingClaim.

const TCHARS = "!#$%&'*+\\-.^_`|~A-Za-z0-9";
const validHeaderNameRegex = new RegExp(`^[${TCHARS}]+$`);
// eslint-disable-next-line no-control-regex
const httpHeaderValueRegexp = /^[^\u0000-\u0008\u000A-\u001F\u007F]*$/;
const PSEUDO_HEADERS = new Set([":method", ":scheme", ":authority", ":path", ":status"]);
const HEADER_JWT_CLAIM = "@request.auth.claims";

/** `@request.auth.claims.sub` / `@request.auth.claims[sub]` route on JWT claims, not headers. */
export function isJwtClaimRoute(headerName: string): boolean {
  if (!headerName.toLowerCase().startsWith(HEADER_JWT_CLAIM)) return false;
  const rest = headerName.slice(HEADER_JWT_CLAIM.length);
  if (rest.startsWith(".") && rest.length > 1) return true;
  return rest.startsWith("[") && rest.endsWith("]") && rest.length > 2;
}

export function validateHTTPHeaderNameOrJwtClaimRoute(name: string): string | undefined {
  if (name === "") return "header name cannot be empty";
  if (isJwtClaimRoute(name) || PSEUDO_HEADERS.has(name)) return undefined;
  if (!validHeaderNameRegex.test(name)) return `header name ${name} is not a valid header name`;
  return undefined;
}

function isInternalHeader(key: string): boolean {
  return key.startsWith(":") || key.toLowerCase() === "host";
}

function isAuthorityHeader(key: string): boolean {
  const lower = key.toLowerCase();
  return lower === ":authority" || lower === "host";
}

export function validateHTTPHeaderWithAuthorityOperationName(name: string): string | undefined {
  if (name === "") return "header name cannot be empty";
  if (isInternalHeader(name) && !isAuthorityHeader(name)) return `invalid header "${name}": header cannot have ":" prefix`;
  return undefined;
}

export function validateHTTPHeaderOperationName(name: string): string | undefined {
  if (name === "") return "header name cannot be empty";
  if (name.toLowerCase() === "host") return `invalid header "${name}": cannot set Host header`;
  if (isInternalHeader(name)) return `invalid header "${name}": header cannot have ":" prefix`;
  return undefined;
}

type ParserState =
  | "literal"
  | "variableName"
  | "expectArray"
  | "expectString"
  | "string"
  | "expectArrayDelimiterOrEnd"
  | "expectArgsEnd"
  | "expectVariableEnd";

/** Envoy header values may embed %VAR% / %VAR(["arg"])% expressions; a lone % is an error. */
function validateHeaderValueSyntax(value: string): string | undefined {
  let state: ParserState = "literal";
  for (let pos = 0; pos < value.length; pos++) {
    const ch = value[pos];
    const hasNext = pos + 1 < value.length;
    switch (state) {
      case "literal":
        if (ch !== "%") break;
        if (!hasNext) return "invalid header configuration. Un-escaped %";
        if (value[pos + 1] === "%") {
          pos++;
          break;
        }
        state = "variableName";
        break;
      case "variableName":
        if (ch === "%") state = "literal";
        else if (ch === "(") state = "expectArray";
        break;
      case "expectArray":
        if (ch === "[") state = "expectString";
        else if (ch !== " ") state = "string";
        break;
      case "expectArrayDelimiterOrEnd":
        if (ch === ",") state = "expectString";
        else if (ch === "]") state = "expectArgsEnd";
        else if (ch !== " ") return "invalid header configuration. Expecting ',', ']', or whitespace";
        break;
      case "expectString":
        if (ch === '"') state = "string";
        else if (ch !== " ") return `invalid header configuration. Expecting '"'`;
        break;
      case "string":
        if (ch === "\\") {
          if (!hasNext) return "invalid header configuration. Un-terminated backslash in JSON string";
          pos++;
        } else if (ch === ")") state = "expectVariableEnd";
        else if (ch === '"') state = "expectArrayDelimiterOrEnd";
        break;
      case "expectArgsEnd":
        if (ch === ")") state = "expectVariableEnd";
        else if (ch !== " ") return "invalid header configuration. Expecting ')' or whitespace after '{}', but found '{}'";
        break;
      case "expectVariableEnd":
        if (ch === "%") state = "literal";
        else if (ch !== " ") return "invalid header configuration. Expecting '%' or whitespace after";
        break;
    }
  }
  if (state !== "literal") return `invalid header configuration. Un-terminated variable expression '${value}'`;
  return undefined;
}

export function validateHTTPHeaderValue(value: string): string | undefined {
  if (!httpHeaderValueRegexp.test(value)) return `header value configuration ${value} is invalid`;
  const syntax = validateHeaderValueSyntax(value);
  return syntax ? `header value configuration: ${syntax}` : undefined;
}
