// Binding layer of the record scanner. The batch's bytes and the output arrays
// are typed arrays read and written in place; sizes are checked in TypeScript
// (src/native.ts, createEventScanner) before the call. Strings interned during a scan reach
// JavaScript once each, appended to the caller's dictionary array.
#include "scan_ops.h"

#include <memory>
#include <string>
#include <vector>

#include "event_scan.h"

namespace pulse_binding {
namespace {

using pulse::scan::EventScanner;
using pulse::scan::ScanOut;
using pulse::scan::TopicFields;

template <typename T>
T* DataOf(const Napi::Value& v) {
  Napi::TypedArray a = v.As<Napi::TypedArray>();
  return reinterpret_cast<T*>(static_cast<uint8_t*>(a.ArrayBuffer().Data()) + a.ByteOffset());
}

class Scanner : public Napi::ObjectWrap<Scanner> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "EventScanner", {InstanceMethod("scan", &Scanner::Scan), InstanceMethod("reset", &Scanner::Reset)});
  }

  // topics: [{ names: string[], span: boolean[], timestamp: number }]
  explicit Scanner(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Scanner>(info) {
    Napi::Array topics = info[0].As<Napi::Array>();
    std::vector<TopicFields> all;
    for (uint32_t i = 0; i < topics.Length(); ++i) {
      Napi::Object o = topics.Get(i).As<Napi::Object>();
      Napi::Array names = o.Get("names").As<Napi::Array>();
      Napi::Array span = o.Get("span").As<Napi::Array>();
      TopicFields t;
      for (uint32_t f = 0; f < names.Length(); ++f) {
        t.names.push_back(names.Get(f).As<Napi::String>().Utf8Value());
        t.span.push_back(span.Get(f).ToBoolean().Value());
      }
      t.timestamp = o.Get("timestamp").As<Napi::Number>().Int32Value();
      all.push_back(std::move(t));
    }
    scanner_ = std::make_unique<EventScanner>(std::move(all));
  }

 private:
  // scan(topic, data, ends, from, to, tags, nums, lens, status, times, dict): the dictionary's new size
  Napi::Value Scan(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const int topic = info[0].As<Napi::Number>().Int32Value();
    const uint32_t from = info[3].As<Napi::Number>().Uint32Value();
    const uint32_t to = info[4].As<Napi::Number>().Uint32Value();
    const ScanOut out{DataOf<uint8_t>(info[5]), DataOf<double>(info[6]), DataOf<uint32_t>(info[7]), DataOf<uint8_t>(info[8]),
                      DataOf<double>(info[9])};
    scanner_->Scan(topic, DataOf<uint8_t>(info[1]), DataOf<uint32_t>(info[2]), from, to, out);
    // dict[0] stands for no string; ids run from 1
    Napi::Array dict = info[10].As<Napi::Array>();
    const uint32_t size = static_cast<uint32_t>(scanner_->size());
    for (uint32_t id = dict.Length(); id <= size; ++id) {
      const std::string_view text = scanner_->Text(id);
      napi_value s;
      if (napi_create_string_latin1(env, text.data(), text.size(), &s) != napi_ok) {
        Napi::Error::New(env, "could not make a string of an interned value").ThrowAsJavaScriptException();
        return env.Undefined();
      }
      dict.Set(id, Napi::Value(env, s));
    }
    return Napi::Number::New(env, size);
  }

  Napi::Value Reset(const Napi::CallbackInfo& info) {
    scanner_->Reset();
    return info.Env().Undefined();
  }

  std::unique_ptr<EventScanner> scanner_;
};

}  // namespace

void InitEventScanner(Napi::Env env, Napi::Object exports) { exports.Set("EventScanner", Scanner::Define(env)); }

}  // namespace pulse_binding
