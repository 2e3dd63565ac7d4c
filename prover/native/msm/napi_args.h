// NovaNet: the Node-API argument and result helpers shared by the files of the addon (msm.cc,
// kernels.cc, ntt.cc, fixedbase.cc). Each file passes its own error code (ERR_NOVANET_MSM_INPUT, …).
#pragma once
#include <node_api.h>

#include <cstdint>
#include <string>

namespace novanet {

// The data and length (in elements) of a typed-array argument of type `want`; false with a pending
// TypeError `code` ("<name> must be a Uint8Array" / "… a Uint32Array") otherwise.
inline bool typedArrayArg(napi_env env, napi_value v, napi_typedarray_type want, const char* code, const char* name,
                          void** data, size_t* len) {
  bool isTa = false;
  napi_typedarray_type type;
  size_t length;
  void* p;
  napi_value ab;
  size_t off;
  if (napi_is_typedarray(env, v, &isTa) != napi_ok || !isTa ||
      napi_get_typedarray_info(env, v, &type, &length, &p, &ab, &off) != napi_ok || type != want) {
    napi_throw_type_error(
        env, code, (std::string(name) + (want == napi_uint32_array ? " must be a Uint32Array" : " must be a Uint8Array")).c_str());
    return false;
  }
  *data = p;
  *len = length;
  return true;
}

// A new Uint8Array of `bytes` bytes (its data in *data); nullptr with a pending Error `code` ("cannot
// allocate <what>") when it cannot be made.
inline napi_value newBytes(napi_env env, size_t bytes, const char* code, const char* what, uint8_t** data) {
  napi_value ab, out;
  void* buf;
  if (napi_create_arraybuffer(env, bytes, &buf, &ab) != napi_ok ||
      napi_create_typedarray(env, napi_uint8_array, bytes, ab, 0, &out) != napi_ok) {
    napi_throw_error(env, code, (std::string("cannot allocate ") + what).c_str());
    return nullptr;
  }
  *data = static_cast<uint8_t*>(buf);
  return out;
}

}  // namespace novanet
