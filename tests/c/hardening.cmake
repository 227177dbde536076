# The robustness tests: threads (also built for ThreadSanitizer by
# scripts/test-hardening.sh) and secrets kept out of logs and errors.
# Included at the end of tests/c/CMakeLists.txt.
find_package(Threads REQUIRED)
scep_c_test(thread_test Threads::Threads)
scep_c_test(secrets_test)
