#pragma once
// The covariance functions gp_bo offers, by name (Eigen-free, so the optimizer's public header
// can name them).

#include <string>

namespace nhb2::gp_bo {

enum class KernelType { matern52, rbf };

// "matern52" or "rbf".
const char* kernel_name(KernelType type);
// Throws ConfigError naming the text and the allowed names.
KernelType parse_kernel(const std::string& name);

}  // namespace nhb2::gp_bo
