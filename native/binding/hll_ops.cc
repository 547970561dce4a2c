// N-API layer of the sketches: strings cross as UTF-8, sketches as bytes.
// Argument types are checked in TypeScript (src/native.ts) before the call.
#include "hll_ops.h"

#include <string>
#include <vector>

#include "hll.h"

namespace pulse_binding {
namespace {

// Moves the bytes into an ArrayBuffer that frees them when collected (no copy).
Napi::Value ToUint8Array(Napi::Env env, std::vector<uint8_t>* bytes) {
  const std::size_t n = bytes->size();
  auto buffer = Napi::ArrayBuffer::New(env, bytes->data(), n,
                                       [](Napi::Env, void*, std::vector<uint8_t>* v) { delete v; }, bytes);
  return Napi::Uint8Array::New(env, n, buffer, 0);
}

}  // namespace

Napi::Value Hash64(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string s = info[0].As<Napi::String>().Utf8Value();
  const pulse::Hash64 h = pulse::HashBytes(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  Napi::Array out = Napi::Array::New(env, 2);
  out.Set(0u, Napi::Number::New(env, h.hi));
  out.Set(1u, Napi::Number::New(env, h.lo));
  return out;
}

Napi::Value HllFromStrings(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array values = info[0].As<Napi::Array>();
  pulse::Hll sketch;
  std::string s;
  for (uint32_t i = 0, n = values.Length(); i < n; ++i) {
    s = values.Get(i).As<Napi::String>().Utf8Value();
    sketch.Add(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  }
  auto* bytes = new std::vector<uint8_t>();
  sketch.Serialize(*bytes);
  return ToUint8Array(env, bytes);
}

Napi::Value HllMerge(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  pulse::Hll a, b;
  std::string error;
  for (int i = 0; i < 2; ++i) {
    auto bytes = info[i].As<Napi::Uint8Array>();
    if (!pulse::Hll::Deserialize(bytes.Data(), bytes.ByteLength(), i == 0 ? a : b, error)) {
      Napi::Error::New(env, "invalid sketch: " + error).ThrowAsJavaScriptException();
      return env.Undefined();
    }
  }
  a.Merge(b);
  auto* out = new std::vector<uint8_t>();
  a.Serialize(*out);
  return ToUint8Array(env, out);
}

}  // namespace pulse_binding
