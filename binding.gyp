{
  # node-gyp / prebuildify build of the addon. Same sources as CMakeLists.txt (native/sources.txt)
  # and the same defines; `npx prebuildify --napi --strip` puts the result in prebuilds/.
  "targets": [
    {
      "target_name": "cardveil",
      "sources": [
        "<!@(node -p \"require('fs').readFileSync('native/sources.txt', 'utf8').split(/\\r?\\n/).filter(Boolean).join(' ')\")"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-fvisibility=hidden", "-Wall", "-Wextra"],
      "libraries": ["-lhs"]
    }
  ]
}
