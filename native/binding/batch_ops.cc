// Binding layer of the batch engine: converts the plan (a plain object built by
// src/batch/plan.ts) and each batch's Arrow buffers (typed arrays, read in place,
// never copied) into the core's structs. Shape checks on the plan happen in
// TypeScript; the core rejects what it cannot execute.
#include "batch_ops.h"

#include <memory>
#include <stdexcept>

#include "batch_engine.h"

namespace pulse_binding {
namespace {

using pulse::batch::ColKind;
using pulse::batch::ColumnView;
using pulse::batch::Condition;
using pulse::batch::KeyRef;
using pulse::batch::MeasureSpec;
using pulse::batch::PairingSpec;
using pulse::batch::Plan;
using pulse::batch::ValueRef;
using pulse::batch::ViewSpec;

int IntOf(const Napi::Object& o, const char* name, int fallback = -1) {
  Napi::Value v = o.Get(name);
  return v.IsNumber() ? v.As<Napi::Number>().Int32Value() : fallback;
}

std::string StringOf(const Napi::Object& o, const char* name) {
  Napi::Value v = o.Get(name);
  return v.IsString() ? v.As<Napi::String>().Utf8Value() : std::string();
}

uint64_t MaskOf(const Napi::Object& o, const char* name) {
  Napi::Value v = o.Get(name);
  if (!v.IsArray()) return ~0ull;
  Napi::Array a = v.As<Napi::Array>();
  uint64_t mask = 0;
  for (uint32_t i = 0; i < a.Length(); ++i) mask |= 1ull << a.Get(i).As<Napi::Number>().Uint32Value();
  return mask;
}

std::vector<int> IntsOf(const Napi::Object& o, const char* name) {
  std::vector<int> out;
  Napi::Value v = o.Get(name);
  if (!v.IsArray()) return out;
  Napi::Array a = v.As<Napi::Array>();
  for (uint32_t i = 0; i < a.Length(); ++i) out.push_back(a.Get(i).As<Napi::Number>().Int32Value());
  return out;
}

ColKind KindOf(const std::string& s) {
  if (s == "utf8") return ColKind::kUtf8;
  if (s == "float64") return ColKind::kF64;
  if (s == "int64") return ColKind::kI64;
  if (s == "bool") return ColKind::kBool;
  if (s == "timestamp") return ColKind::kTimestamp;
  if (s == "utf8list") return ColKind::kUtf8List;
  throw std::invalid_argument("unknown column kind " + s);
}

Plan PlanOf(const Napi::Object& o) {
  Plan plan;
  Napi::Array cols = o.Get("columns").As<Napi::Array>();
  for (uint32_t i = 0; i < cols.Length(); ++i) plan.columns.push_back(KindOf(cols.Get(i).As<Napi::String>().Utf8Value()));
  Napi::Array types = o.Get("types").As<Napi::Array>();
  for (uint32_t i = 0; i < types.Length(); ++i) plan.types.push_back(types.Get(i).As<Napi::String>().Utf8Value());
  plan.type_col = IntOf(o, "typeCol");
  plan.time_col = IntOf(o, "timeCol");
  plan.id_col = IntOf(o, "idCol");
  plan.score_col = IntOf(o, "scoreCol");
  plan.max_score_col = IntOf(o, "maxScoreCol");
  plan.position_col = IntOf(o, "positionCol");
  plan.length_col = IntOf(o, "lengthCol");
  Napi::Value since = o.Get("since");
  if (since.IsNumber()) plan.since = static_cast<int64_t>(since.As<Napi::Number>().DoubleValue());
  Napi::Array pairings = o.Get("pairings").As<Napi::Array>();
  for (uint32_t i = 0; i < pairings.Length(); ++i) {
    Napi::Object p = pairings.Get(i).As<Napi::Object>();
    plan.pairings.push_back(PairingSpec{IntsOf(p, "entity"), MaskOf(p, "start"), MaskOf(p, "end")});
  }
  Napi::Array views = o.Get("views").As<Napi::Array>();
  for (uint32_t i = 0; i < views.Length(); ++i) {
    Napi::Object v = views.Get(i).As<Napi::Object>();
    ViewSpec spec;
    spec.name = StringOf(v, "name");
    spec.window_size = IntOf(v, "windowSize", 0);
    spec.window_slide = IntOf(v, "windowSlide", 0);
    spec.types = MaskOf(v, "types");
    Napi::Array keys = v.Get("keys").As<Napi::Array>();
    for (uint32_t k = 0; k < keys.Length(); ++k) {
      Napi::Object key = keys.Get(k).As<Napi::Object>();
      KeyRef ref;
      const std::string kind = StringOf(key, "kind");
      ref.kind = kind == "date" ? KeyRef::kDate : kind == "hour" ? KeyRef::kHour : kind == "each" ? KeyRef::kEach : kind == "byType" ? KeyRef::kByType : KeyRef::kColumn;
      ref.col = IntOf(key, "col");
      ref.by_type = IntsOf(key, "byType");
      spec.keys.push_back(std::move(ref));
    }
    Napi::Array measures = v.Get("measures").As<Napi::Array>();
    for (uint32_t m = 0; m < measures.Length(); ++m) {
      Napi::Object mo = measures.Get(m).As<Napi::Object>();
      MeasureSpec ms;
      static const char* kKinds[] = {"count", "sum", "avg", "min", "max", "distinct", "first", "last", "any", "pairs", "perKey"};
      const std::string kind = StringOf(mo, "kind");
      int found = -1;
      for (int k = 0; k < 11; ++k)
        if (kind == kKinds[k]) found = k;
      if (found < 0) throw std::invalid_argument(spec.name + ": unknown measure kind " + kind);
      ms.kind = static_cast<MeasureSpec::Kind>(found);
      ms.types = MaskOf(mo, "types");
      Napi::Value value = mo.Get("value");
      if (value.IsObject()) {
        Napi::Object vo = value.As<Napi::Object>();
        const std::string vk = StringOf(vo, "kind");
        ms.value.kind = vk == "column" ? ValueRef::kColumn : vk == "score_pct" ? ValueRef::kScorePct : vk == "position_pct" ? ValueRef::kPositionPct
                      : vk == "time" ? ValueRef::kTime : vk == "date" ? ValueRef::kDate : vk == "hour" ? ValueRef::kHour : ValueRef::kNone;
        ms.value.col = IntOf(vo, "col");
      }
      ms.pairing = IntOf(mo, "pairing");
      ms.sub_key = IntOf(mo, "subKey");
      ms.inner = static_cast<uint8_t>(IntOf(mo, "inner", 0));
      Napi::Value where = mo.Get("where");
      if (where.IsArray()) {
        Napi::Array wa = where.As<Napi::Array>();
        for (uint32_t c = 0; c < wa.Length(); ++c) {
          Napi::Object co = wa.Get(c).As<Napi::Object>();
          Condition cond;
          cond.col = IntOf(co, "col");
          Napi::Value val = co.Get("value");
          if (val.IsString()) cond.tag = Condition::kString, cond.text = val.As<Napi::String>().Utf8Value();
          else if (val.IsNumber()) cond.tag = Condition::kNumber, cond.number = val.As<Napi::Number>().DoubleValue();
          else cond.tag = Condition::kBool, cond.flag = val.ToBoolean().Value();
          ms.where.push_back(std::move(cond));
        }
      }
      spec.measures.push_back(std::move(ms));
    }
    plan.views.push_back(std::move(spec));
  }
  return plan;
}

template <typename T>
const T* DataOf(const Napi::Object& o, const char* name) {
  Napi::Value v = o.Get(name);
  if (!v.IsTypedArray()) return nullptr;
  Napi::TypedArray a = v.As<Napi::TypedArray>();
  auto* base = static_cast<const uint8_t*>(a.ArrayBuffer().Data()) + a.ByteOffset();
  return reinterpret_cast<const T*>(base);
}

class BatchEngine : public Napi::ObjectWrap<BatchEngine> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "BatchEngine",
                       {InstanceMethod("add", &BatchEngine::Add), InstanceMethod("finish", &BatchEngine::Finish),
                        InstanceMethod("stats", &BatchEngine::Stats)});
  }

  explicit BatchEngine(const Napi::CallbackInfo& info) : Napi::ObjectWrap<BatchEngine>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsObject()) {
      Napi::TypeError::New(env, "plan: expected an object").ThrowAsJavaScriptException();
      return;
    }
    try {
      engine_ = std::make_unique<pulse::batch::Engine>(PlanOf(info[0].As<Napi::Object>()));
    } catch (const std::exception& e) {
      Napi::Error::New(env, std::string("batch plan: ") + e.what()).ThrowAsJavaScriptException();
    }
  }

 private:
  // add(columns: (ColumnBuffers | null)[], rows: number)
  Napi::Value Add(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!engine_ || info.Length() < 2 || !info[0].IsArray() || !info[1].IsNumber()) {
      Napi::TypeError::New(env, "add(columns, rows) on an open engine").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    Napi::Array arr = info[0].As<Napi::Array>();
    std::vector<ColumnView> cols(arr.Length());
    for (uint32_t i = 0; i < arr.Length(); ++i) {
      Napi::Value v = arr.Get(i);
      if (!v.IsObject()) continue;
      Napi::Object o = v.As<Napi::Object>();
      ColumnView& c = cols[i];
      c.valid = DataOf<uint8_t>(o, "valid");
      c.offset = IntOf(o, "offset", 0);
      c.offsets = DataOf<int32_t>(o, "offsets");
      c.data = DataOf<uint8_t>(o, "data");
      c.f64 = DataOf<double>(o, "f64");
      c.i64 = DataOf<int64_t>(o, "i64");
      c.child_offsets = DataOf<int32_t>(o, "childOffsets");
      c.child_data = DataOf<uint8_t>(o, "childData");
      c.child_offset = IntOf(o, "childOffset", 0);
    }
    try {
      engine_->AddBatch(cols, info[1].As<Napi::Number>().Int64Value());
    } catch (const std::exception& e) {
      Napi::Error::New(env, std::string("batch add: ") + e.what()).ThrowAsJavaScriptException();
    }
    return env.Undefined();
  }

  // finish() -> Uint8Array[] (one serialized partial per view); the engine is closed after.
  Napi::Value Finish(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!engine_) {
      Napi::Error::New(env, "finish: the engine is already finished").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    std::vector<std::vector<uint8_t>> parts = engine_->Finish();
    stats_ = engine_->stats();
    engine_.reset();
    Napi::Array out = Napi::Array::New(env, parts.size());
    for (std::size_t i = 0; i < parts.size(); ++i) {
      auto* owned = new std::vector<uint8_t>(std::move(parts[i]));
      Napi::ArrayBuffer ab = Napi::ArrayBuffer::New(env, owned->data(), owned->size(),
                                                    [](Napi::Env, void*, std::vector<uint8_t>* v) { delete v; }, owned);
      out.Set(static_cast<uint32_t>(i), Napi::Uint8Array::New(env, owned->size(), ab, 0));
    }
    return out;
  }

  Napi::Value Stats(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const pulse::batch::EngineStats& s = engine_ ? engine_->stats() : stats_;
    Napi::Object o = Napi::Object::New(env);
    o.Set("rows", Napi::Number::New(env, static_cast<double>(s.rows)));
    o.Set("duplicates", Napi::Number::New(env, static_cast<double>(s.duplicates)));
    o.Set("batches", Napi::Number::New(env, static_cast<double>(s.batches)));
    return o;
  }

  std::unique_ptr<pulse::batch::Engine> engine_;
  pulse::batch::EngineStats stats_;
};

}  // namespace

void InitBatchEngine(Napi::Env env, Napi::Object exports) { exports.Set("BatchEngine", BatchEngine::Define(env)); }

}  // namespace pulse_binding
