// A shared library for the tests that is not an nhb2 plug-in: it has no entry points.

extern "C" __attribute__((visibility("default"))) int some_function(void) {
  return 42;
}
