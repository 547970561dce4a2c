#pragma once
#include <napi.h>

namespace pulse_binding {
// hash64(value: string) -> [hi, lo]
Napi::Value Hash64(const Napi::CallbackInfo& info);
// hllFromStrings(values: string[]) -> Uint8Array (the serialized sketch)
Napi::Value HllFromStrings(const Napi::CallbackInfo& info);
// hllMerge(a: Uint8Array, b: Uint8Array) -> Uint8Array (serialized union)
Napi::Value HllMerge(const Napi::CallbackInfo& info);
}
