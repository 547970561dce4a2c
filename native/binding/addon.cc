// Module registration only; each operation lives in its own file.
#include <napi.h>
#include "column_ops.h"

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("sumFloat64", Napi::Function::New(env, pulse_binding::SumFloat64, "sumFloat64"));
  return exports;
}

NODE_API_MODULE(pulse_native, Init)
