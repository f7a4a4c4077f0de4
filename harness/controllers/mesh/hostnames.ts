// Mirrors istio/istio pkg/config/validation/agent/validation.go: CheckDNS1123Preconditions,
// ValidateDNS1123Labels, ValidateWildcardDomain, ValidatePort; pkg/config/labels/instance.go:
// IsDNS1123Label, IsWildcardDNS1123Label, Instance.Validate, SubsetOf; pkg/config/host/name.go:
// Name.Matches; pilot/pkg/model/config.go: ResolveShortnameToFQDN.
import { isIP } from "node:net";
import { goQuote } from "./go-format.js";

const DNS1123_LABEL_MAX_LENGTH = 63;
const DNS1123_LABEL_FMT = "[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?";
const WILDCARD_PREFIX = `(\\*|(\\*|\\*-)?${DNS1123_LABEL_FMT})`;
const QUALIFIED_NAME_FMT = "(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const DNS_NAME_PREFIX_FMT = `${DNS1123_LABEL_FMT}(?:\\.${DNS1123_LABEL_FMT})*/`;
const DNS_NAME_PREFIX_MAX_LENGTH = 253;

const dns1123LabelRegexp = new RegExp(`^${DNS1123_LABEL_FMT}$`);
const wildcardPrefixRegexp = new RegExp(`^${WILDCARD_PREFIX}$`);
const tagRegexp = new RegExp(`^(${DNS_NAME_PREFIX_FMT})?(${QUALIFIED_NAME_FMT})$`);
const labelValueRegexp = new RegExp(`^(${QUALIFIED_NAME_FMT})?$`);

export const DEFAULT_DOMAIN_SUFFIX = "cluster.local";

export function isDNS1123Label(value: string): boolean {
  return value.length <= DNS1123_LABEL_MAX_LENGTH && dns1123LabelRegexp.test(value);
}

export function isWildcardDNS1123Label(value: string): boolean {
  return value.length <= DNS1123_LABEL_MAX_LENGTH && wildcardPrefixRegexp.test(value);
}

export function isValidIPAddress(value: string): boolean {
  return isIP(value) !== 0;
}

function checkDNS1123Preconditions(name: string): string | undefined {
  if (name.length > 255) return `domain name ${goQuote(name)} too long (max 255)`;
  if (name.length === 0) return "empty domain name not allowed";
  return undefined;
}

function validateDNS1123Labels(domain: string): string | undefined {
  const parts = domain.split(".");
  const topLevelDomain = parts[parts.length - 1] ?? "";
  // Go's strconv.Atoi accepts an optional sign followed by digits.
  if (/^[+-]?[0-9]+$/.test(topLevelDomain)) {
    return `domain name ${goQuote(domain)} invalid (top level domain ${goQuote(topLevelDomain)} cannot be all-numeric)`;
  }
  for (const [i, label] of parts.entries()) {
    // A trailing dot (`istio.io.`) is an unambiguous absolute name.
    if (i === parts.length - 1 && label === "") return undefined;
    if (!isDNS1123Label(label)) return `domain name ${goQuote(domain)} invalid (label ${goQuote(label)} invalid)`;
  }
  return undefined;
}

export function validateFQDN(fqdn: string): string | undefined {
  return checkDNS1123Preconditions(fqdn) ?? validateDNS1123Labels(fqdn);
}

/** Wildcards are only allowed in the first label: `*.example.com`, `*-foo.bar`, `*`. */
export function validateWildcardDomain(domain: string): string | undefined {
  const precondition = checkDNS1123Preconditions(domain);
  if (precondition) return precondition;
  const dot = domain.indexOf(".");
  const first = dot < 0 ? domain : domain.slice(0, dot);
  if (!isWildcardDNS1123Label(first)) return `domain name ${goQuote(domain)} invalid (label ${goQuote(first)} invalid)`;
  if (dot >= 0) return validateDNS1123Labels(domain.slice(dot + 1));
  return undefined;
}

export function validatePort(port: number): string | undefined {
  if (Number.isInteger(port) && port >= 1 && port <= 65535) return undefined;
  return `port number ${port} must be in the range 1..65535`;
}

function validateTagKey(key: string): string | undefined {
  const match = tagRegexp.exec(key);
  if (!match) return `invalid tag key: ${goQuote(key)}`;
  const prefix = match[1] ?? "";
  if (prefix.length > 0 && prefix.length - 1 > DNS_NAME_PREFIX_MAX_LENGTH) {
    return `invalid tag key: ${goQuote(key)} (DNS prefix is too long)`;
  }
  if ((match[2] ?? "").length > DNS1123_LABEL_MAX_LENGTH) return `invalid tag key: ${goQuote(key)} (name is too long)`;
  return undefined;
}

/** labels.Instance.Validate: one message per bad key or value (Go map order is random; ours is insertion order). */
export function validateLabels(labels: Readonly<Record<string, unknown>>): string[] {
  const errors: string[] = [];
  for (const [key, value] of Object.entries(labels)) {
    const keyError = validateTagKey(key);
    if (keyError) errors.push(keyError);
    const text = typeof value === "string" ? value : String(value);
    if (!labelValueRegexp.test(text)) errors.push(`invalid tag value: ${goQuote(text)}`);
  }
  return errors;
}

/** labels.Instance.SubsetOf: every selector label is present with the same value. */
export function labelsSubsetOf(selector: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>): boolean {
  for (const [key, value] of Object.entries(selector)) {
    if (labels[key] !== value) return false;
  }
  return true;
}

export function isWildcarded(host: string): boolean {
  return host.startsWith("*");
}

/** host.Name.Matches: `*.foo.com` matches `bar.foo.com` and `*.bar.foo.com`, and vice versa. */
export function hostMatches(a: string, b: string): boolean {
  const aWild = isWildcarded(a);
  const bWild = isWildcarded(b);
  if (aWild) {
    if (bWild) {
      return a.length < b.length ? b.slice(1).endsWith(a.slice(1)) : a.slice(1).endsWith(b.slice(1));
    }
    return b.endsWith(a.slice(1));
  }
  if (bWild) return a.endsWith(b.slice(1));
  return a === b;
}

/** ResolveShortnameToFQDN: a dotless name is a Service in the config's own namespace. */
export function resolveShortnameToFQDN(hostname: string, namespace: string, domainSuffix = DEFAULT_DOMAIN_SUFFIX): string {
  if (hostname === "" || hostname === "*" || isValidIPAddress(hostname)) return hostname;
  if (hostname.includes(".")) return hostname;
  let out = hostname;
  if (namespace !== "") out = `${out}.${namespace}`;
  if (domainSuffix !== "") out = `${out}.svc.${domainSuffix}`;
  return out;
}
