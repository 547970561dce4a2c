// Binding layer: converts arguments, calls the core, converts results.
// Argument checking beyond the type tag happens in TypeScript (src/native.ts).
#include "column_ops.h"
#include "column_sum.h"

namespace pulse_binding {

Napi::Value SumFloat64(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsTypedArray() ||
      info[0].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    Napi::TypeError::New(env, "values: expected a Float64Array").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  // Reads the caller's memory in place: no copy crosses the boundary.
  auto values = info[0].As<Napi::Float64Array>();
  const pulse::SumResult r = pulse::SumFloat64(values.Data(), values.ElementLength());
  Napi::Object out = Napi::Object::New(env);
  out.Set("sum", Napi::Number::New(env, r.sum));
  out.Set("count", Napi::Number::New(env, static_cast<double>(r.count)));
  return out;
}

}  // namespace pulse_binding
