{
  "targets": [
    {
      "target_name": "pulse_native",
      "sources": [
        "native/binding/addon.cc",
        "native/binding/batch_ops.cc",
        "native/binding/column_ops.cc",
        "native/binding/hll_ops.cc",
        "native/binding/scan_ops.cc",
        "native/core/batch_engine.cc",
        "native/core/column_sum.cc",
        "native/core/event_scan.cc",
        "native/core/hash.cc",
        "native/core/hll.cc"
      ],
      "include_dirs": [
        "<!@(node -p \"require('node-addon-api').include\")",
        "native/core"
      ],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "-O3"],
      "xcode_settings": {
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "OTHER_CPLUSPLUSFLAGS": ["-O3"]
      }
    }
  ]
}
