// Module registration only; each operation lives in its own file.
#include <napi.h>
#include "column_ops.h"
#include "hll_ops.h"
#include "batch_ops.h"
#include "scan_ops.h"

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("sumFloat64", Napi::Function::New(env, pulse_binding::SumFloat64, "sumFloat64"));
  exports.Set("hash64", Napi::Function::New(env, pulse_binding::Hash64, "hash64"));
  exports.Set("hllFromStrings", Napi::Function::New(env, pulse_binding::HllFromStrings, "hllFromStrings"));
  exports.Set("hllMerge", Napi::Function::New(env, pulse_binding::HllMerge, "hllMerge"));
  pulse_binding::InitBatchEngine(env, exports);
  pulse_binding::InitEventScanner(env, exports);
  return exports;
}

NODE_API_MODULE(pulse_native, Init)
