// How the harness writes to the cluster: server-side apply under its own field manager with
// strict field validation (a field the API server does not know is an error, not silently
// dropped), JSON and merge patches for the decisions it plays, and creation of the run's namespace
// (never adopting one that exists: it would then delete something it did not create).
import { InputError } from "../../../input-error.js";
import { isConflict, type KubeApi } from "../api/kube-api.js";
import { objectPath, resourcePath, type ObjectRef } from "../api/resources.js";

export const FIELD_MANAGER = "canary-lab";

export async function applyObject<T = Record<string, unknown>>(api: KubeApi, object: ObjectRef & Record<string, unknown>): Promise<T> {
  return api.patch<T>(objectPath(object), object, "apply", { fieldManager: FIELD_MANAGER, force: true, fieldValidation: "Strict" });
}

export async function applyAll(api: KubeApi, objects: ReadonlyArray<ObjectRef & Record<string, unknown>>): Promise<void> {
  for (const object of objects) await applyObject(api, object);
}

export async function createNamespace(api: KubeApi, namespace: ObjectRef & Record<string, unknown>): Promise<void> {
  try {
    await api.create(resourcePath("v1", "Namespace"), namespace, { fieldManager: FIELD_MANAGER, fieldValidation: "Strict" });
  } catch (error) {
    if (isConflict(error)) throw new InputError(`namespace ${namespace.metadata.name} already exists; canary-lab only works in namespaces it creates`, {}, "run again (a new run id is drawn), or remove the namespace if it is a leftover: canary-lab gc");
    throw error;
  }
}

export async function patchObject<T = Record<string, unknown>>(api: KubeApi, ref: ObjectRef, patch: unknown, type: "merge" | "json", subresource?: string): Promise<T> {
  return api.patch<T>(objectPath(ref, subresource), patch, type, { fieldManager: FIELD_MANAGER, fieldValidation: "Strict" });
}
