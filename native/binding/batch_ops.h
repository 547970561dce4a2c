// N-API face of the batch engine (native/core/batch_engine.h).
#pragma once
#include <napi.h>

namespace pulse_binding {

void InitBatchEngine(Napi::Env env, Napi::Object exports);

}  // namespace pulse_binding
