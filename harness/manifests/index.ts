export { loadManifests, type Manifest, type LoadOptions } from "./load.js";
export { parseYamlText, readYamlFile, expandYamlPaths, formatKeyPath, type YamlDocument, type KeyPath, type SourceLocation } from "./yaml-documents.js";
export { checkAgainstSchema } from "./schema-check.js";
export type { KindName } from "./kinds.js";
