// N-API face of the record scanner (native/core/event_scan.h).
#pragma once
#include <napi.h>

namespace pulse_binding {

void InitEventScanner(Napi::Env env, Napi::Object exports);

}  // namespace pulse_binding
