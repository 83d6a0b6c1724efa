# One INTERFACE target carries the options every project target shares.
add_library(cw_options INTERFACE)
target_compile_features(cw_options INTERFACE cxx_std_20)
target_compile_definitions(cw_options INTERFACE
  QT_NO_CAST_FROM_ASCII
  QT_NO_CAST_TO_ASCII
  QT_NO_CONTEXTLESS_CONNECT
  QT_USE_QSTRINGBUILDER
  QT_NO_KEYWORDS
  QT_NO_URL_CAST_FROM_STRING
  QT_DISABLE_DEPRECATED_UP_TO=0x060400)
target_compile_options(cw_options INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
  -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough)
if(CLUSTERWATCH_WERROR)
  target_compile_options(cw_options INTERFACE -Werror)
endif()
