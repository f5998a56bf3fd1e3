#pragma once
// Expected improvement (Jones, Schonlau & Welch 1998) for maximisation.
//
// For a Gaussian posterior N(mean, variance) at a point, an incumbent value `best` and a margin
// xi ≥ 0 (all on the same, here standardised, scale), with σ = √variance and
// u = mean − best − xi:
//   EI = u Φ(u/σ) + σ φ(u/σ)   (σ > 0)
//   EI = max(u, 0)             (σ = 0)
// Φ, φ: the standard normal cdf and pdf; Φ(z) = ½ erfc(−z/√2), accurate in the far tails.

namespace nhb2::gp_bo {

double standard_normal_pdf(double z);
double standard_normal_cdf(double z);

double expected_improvement(double mean, double variance, double best, double xi);

}  // namespace nhb2::gp_bo
