#pragma once
#include <napi.h>

namespace pulse_binding {
// sumFloat64(values: Float64Array) -> { sum, count }
Napi::Value SumFloat64(const Napi::CallbackInfo& info);
}
