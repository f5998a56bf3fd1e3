#include "gp_bo/incremental_gp.hpp"

#include "gp_bo/acquisition.hpp"

#include <Eigen/Cholesky>

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numeric>

namespace nhb2::gp_bo {

namespace {

constexpr double kFirstJitter = 1e-8;
constexpr double kLastJitter = 1e-2;
// A new diagonal entry of L below this fraction of the prior diagonal counts as a lost positive
// definiteness (the point nearly duplicates the span of the others).
constexpr double kMinPivotFraction = 1e-10;
constexpr Eigen::Index kScoreBlock = 64;
// Screened candidates whose exact kernel columns are computed together.
constexpr std::size_t kRefineBatch = 16;
// Exact variances are needed only where the variance given this many most correlated training
// points still lets a candidate win.
constexpr int kVarianceBoundPoints = 12;

// Rank-one update of a lower Cholesky factor: afterwards l lᵀ equals the old l lᵀ + x xᵀ.
// x is used as workspace.
template <typename Block>
void rank_one_update(Block l, Eigen::Ref<Eigen::VectorXd> x) {
  const Eigen::Index r = l.rows();
  for (Eigen::Index i = 0; i < r; ++i) {
    const double a = l(i, i);
    const double b = x[i];
    const double radius = std::hypot(a, b);
    const double c = radius / a;
    const double s = b / a;
    l(i, i) = radius;
    const Eigen::Index rest = r - i - 1;
    if (rest == 0) break;
    auto column = l.col(i).tail(rest);
    auto tail = x.tail(rest);
    column = (column + s * tail) / c;
    tail = c * tail - s * column;
  }
}

}  // namespace

void IncrementalGp::reserve(int capacity) {
  if (capacity <= x_.rows()) return;
  const int grown = std::max(capacity, static_cast<int>(x_.rows()) * 3 / 2 + 8);
  const int d = hp_.kernel.num_features();
  Eigen::MatrixXd x(grown, d);
  Eigen::MatrixXd k(grown, grown);
  Eigen::MatrixXd l(grown, grown);
  if (n_ > 0) {
    x.topRows(n_) = x_.topRows(n_);
    k.topLeftCorner(n_, n_) = k_.topLeftCorner(n_, n_);
    l.topLeftCorner(n_, n_) = l_.topLeftCorner(n_, n_);
  }
  x_.swap(x);
  k_.swap(k);
  l_.swap(l);
}

double IncrementalGp::prior_variance() const {
  return std::exp(hp_.kernel.log_signal_variance);
}

double IncrementalGp::diagonal() const {
  return prior_variance() + hp_.noise_variance() + jitter_;
}

bool IncrementalGp::rebuild(const Eigen::Ref<const Eigen::MatrixXd>& x,
                            const std::vector<double>& y, const GpHyperparameters& hp) {
  assert(x.rows() == static_cast<Eigen::Index>(y.size()) && !y.empty());
  hp_ = hp;
  n_ = 0;
  p_ = 0;
  const int n = static_cast<int>(x.rows());
  if (x_.cols() != x.cols()) {
    x_.resize(0, x.cols());
    k_.resize(0, 0);
    l_.resize(0, 0);
  }
  reserve(std::max(n, expected_points_));
  x_.topRows(n) = x;
  y_raw_ = y;
  codes_valid_ = compact_rows(x, codes_);
  const CompactRows* rows = codes_valid_ ? &codes_ : nullptr;  // codes() needs n_ = n
  auto k = k_.topLeftCorner(n, n);
  kernel_matrix_into(hp_.kernel, x, x, k, rows, rows);
  k.diagonal().array() += hp_.noise_variance();
  if (!k.allFinite()) return false;
  auto l = l_.topLeftCorner(n, n);
  for (double jitter = 0.0; jitter <= kLastJitter * 1.0001;
       jitter = jitter == 0.0 ? kFirstJitter : jitter * 10.0) {
    l = k;
    l.diagonal().array() += jitter;
    Eigen::LLT<Eigen::Ref<Eigen::MatrixXd>> llt(l);
    if (llt.info() == Eigen::Success) {
      jitter_ = jitter;
      n_ = n;
      return true;
    }
  }
  return false;
}

bool IncrementalGp::append(const double* features, double y) {
  const int d = hp_.kernel.num_features();
  const Eigen::Map<const Eigen::RowVectorXd> point(features, d);
  reserve(n_ + 1);
  kernel_matrix(hp_.kernel, x_.topRows(n_), point, k_point_, codes());
  column_ = k_point_.col(0);
  l_.topLeftCorner(n_, n_).triangularView<Eigen::Lower>().solveInPlace(column_);
  const double pivot = diagonal() - column_.squaredNorm();
  if (!(pivot > kMinPivotFraction * diagonal())) return false;
  l_.row(n_).head(n_) = column_.transpose();
  l_(n_, n_) = std::sqrt(pivot);
  // K's new row and column; its diagonal entry is k(x, x) = s² plus the noise, as rebuild() has.
  k_.col(n_).head(n_) = k_point_.col(0);
  k_.row(n_).head(n_) = k_point_.col(0).transpose();
  k_(n_, n_) = prior_variance() + hp_.noise_variance();
  x_.row(n_) = point;
  if (codes_valid_) {
    thread_local CompactRows point_code;
    codes_valid_ = compact_rows(point, point_code);
    if (codes_valid_) codes_.code.push_back(point_code.code[0]);
  }
  y_raw_.push_back(y);
  ++n_;
  return true;
}

void IncrementalGp::remove(int position) {
  assert(position >= 0 && position < n_);
  const int n = n_;
  const int rest = n - position - 1;
  if (rest > 0) {
    // L = [L11 0 0; l21ᵀ l22 0; L31 l32 L33] loses its middle row and column: the new factor is
    // [L11 0; L31 L33'] with L33' L33'ᵀ = L33 L33ᵀ + l32 l32ᵀ.
    column_ = l_.col(position).segment(position + 1, rest);
    rank_one_update(l_.block(position + 1, position + 1, rest, rest), column_);
    for (int j = 0; j < position; ++j) {
      l_.col(j).segment(position, rest) = l_.col(j).segment(position + 1, rest).eval();
    }
    for (int j = position; j < n - 1; ++j) {
      l_.col(j).segment(j, n - 1 - j) = l_.col(j + 1).segment(j + 1, n - 1 - j);
    }
    x_.middleRows(position, rest) = x_.middleRows(position + 1, rest).eval();
    // K loses row and column `position`: the columns after it move left, then the rows up.
    for (int j = position; j < n - 1; ++j) k_.col(j).head(n) = k_.col(j + 1).head(n);
    for (int j = 0; j < n - 1; ++j) {
      k_.col(j).segment(position, rest) = k_.col(j).segment(position + 1, rest).eval();
    }
  }
  if (codes_valid_) codes_.code.erase(codes_.code.begin() + position);
  y_raw_.erase(y_raw_.begin() + position);
  --n_;
}

void IncrementalGp::prepare() {
  assert(n_ >= 1);
  p_ = 0;
  const Eigen::Map<const Eigen::VectorXd> y(y_raw_.data(), n_);
  y_mean_ = y.mean();
  const double variance = (y.array() - y_mean_).square().sum() / n_;
  y_scale_ = variance > 0.0 ? std::sqrt(variance) : 1.0;
  alpha_ = (y.array() - y_mean_) / y_scale_;
  const auto l = l_.topLeftCorner(n_, n_).triangularView<Eigen::Lower>();
  l.solveInPlace(alpha_);
  l.transpose().solveInPlace(alpha_);
}

bool IncrementalGp::add_fantasy(const double* features) {
  const int d = hp_.kernel.num_features();
  const Eigen::Map<const Eigen::RowVectorXd> point(features, d);
  kernel_matrix(hp_.kernel, x_.topRows(n_), point, k_point_, codes());
  Eigen::VectorXd b = k_point_.col(0);
  l_.topLeftCorner(n_, n_).triangularView<Eigen::Lower>().solveInPlace(b);
  Eigen::VectorXd c(p_);
  if (p_ > 0) {
    Eigen::MatrixXd k_fantasy;
    kernel_matrix(hp_.kernel, fantasy_x_.topRows(p_), point, k_fantasy);
    c = k_fantasy.col(0) - fantasy_b_.topRows(p_) * b;
    fantasy_c_.topLeftCorner(p_, p_).triangularView<Eigen::Lower>().solveInPlace(c);
  }
  const double pivot = diagonal() - b.squaredNorm() - c.squaredNorm();
  if (!(pivot > kMinPivotFraction * diagonal())) return false;
  if (fantasy_x_.rows() <= p_ || fantasy_x_.cols() != d || fantasy_b_.cols() != n_) {
    const int capacity = std::max(2 * p_, 4);
    fantasy_x_.conservativeResize(capacity, d);
    fantasy_b_.conservativeResize(capacity, n_);
    fantasy_c_.conservativeResize(capacity, capacity);
  }
  fantasy_x_.row(p_) = point;
  fantasy_b_.row(p_) = b.transpose();
  fantasy_c_.row(p_).head(p_) = c.transpose();
  fantasy_c_(p_, p_) = std::sqrt(pivot);
  ++p_;
  return true;
}

void IncrementalGp::score(const Eigen::Ref<const Eigen::MatrixXd>& xs, Eigen::VectorXd& mean,
                          Eigen::VectorXd& variance_bound) {
  assert(n_ >= 1);
  const Eigen::Index m = xs.rows();
  // The n × m kernel lives in storage that only grows, so asks of varying size reuse it.
  if (k_star_.rows() < n_ || k_star_.cols() < m) {
    k_star_.resize(std::max<Eigen::Index>(k_star_.rows(), x_.rows()),
                   std::max<Eigen::Index>(k_star_.cols(), m + m / 2));
  }
  m_ = m;
  auto k_star = k_star_.topLeftCorner(n_, m);
  kernel_matrix_into(hp_.kernel, x_.topRows(n_), xs, k_star, codes());
  if (p_ > 0) kernel_matrix(hp_.kernel, fantasy_x_.topRows(p_), xs, k_fantasy_star_);
  mean.noalias() = k_star.transpose() * alpha_;
  // Conditioning on one point j leaves s² − k_j² / (K_jj + σ² + jitter); conditioning on more
  // can only lower the variance. Every diagonal entry is the same for a stationary kernel.
  const double prior = prior_variance();
  const double inverse_diagonal = 1.0 / diagonal();
  variance_bound.resize(m);
  for (Eigen::Index j = 0; j < m; ++j) {
    const double k_max = k_star.col(j).maxCoeff();
    variance_bound[j] = std::max(prior - k_max * k_max * inverse_diagonal, 0.0);
  }
}

void IncrementalGp::exact_variances(const std::vector<Eigen::Index>& rows,
                                    Eigen::VectorXd& variances) {
  const Eigen::Index count = static_cast<Eigen::Index>(rows.size());
  variances.resize(count);
  const double prior = prior_variance();
  const auto k_star = k_star_.topLeftCorner(n_, m_);
  for (Eigen::Index start = 0; start < count; start += kScoreBlock) {
    const Eigen::Index b = std::min(kScoreBlock, count - start);
    batch_.resize(n_, b);
    for (Eigen::Index i = 0; i < b; ++i) batch_.col(i) = k_star.col(rows[start + i]);
    // v = L⁻¹ k*; with fantasies w = C⁻¹ (k_f* − B v); var = s² − ‖v‖² − ‖w‖².
    l_.topLeftCorner(n_, n_).triangularView<Eigen::Lower>().solveInPlace(batch_);
    Eigen::ArrayXd explained = batch_.colwise().squaredNorm().transpose().array();
    if (p_ > 0) {
      Eigen::MatrixXd w(p_, b);
      for (Eigen::Index i = 0; i < b; ++i) w.col(i) = k_fantasy_star_.col(rows[start + i]);
      w.noalias() -= fantasy_b_.topRows(p_) * batch_;
      fantasy_c_.topLeftCorner(p_, p_).triangularView<Eigen::Lower>().solveInPlace(w);
      explained += w.colwise().squaredNorm().transpose().array();
    }
    variances.segment(start, b) = (prior - explained).cwiseMax(0.0).matrix();
  }
}

Eigen::Index IncrementalGp::argmax_expected_improvement(const Eigen::Ref<const Eigen::MatrixXd>& xs,
                                                        double best, double xi) {
  assert(n_ >= 1);
  const Eigen::Index m = xs.rows();
  const double prior = prior_variance();
  const double inverse_diagonal = 1.0 / diagonal();
  // Screening: the single-precision kernel gives every candidate a mean within a rounding margin
  // of the exact one and (from its most correlated training point) a variance bound; EI at the
  // upper mean and the variance bound bounds EI. Fantasies only lower variances, so the bound
  // ignores them.
  const auto alpha = alpha_.head(n_);
  kernel_screen(hp_.kernel, x_.topRows(n_), xs, alpha, screen_mean_, screen_margin_, screen_k_max_,
                codes());
  // Exact kernel columns of refined candidates, by candidate (storage only grows; only refined
  // columns are written).
  if (k_screen_.rows() < n_ || k_screen_.cols() < m) {
    k_screen_.resize(std::max<Eigen::Index>(k_screen_.rows(), x_.rows()),
                     std::max<Eigen::Index>(k_screen_.cols(), m + m / 2));
  }
  auto exact_column = [this](Eigen::Index j) { return k_screen_.col(j).head(n_); };
  // Best-first refinement: every candidate carries an upper bound on its EI, at one of three
  // levels: screened (above), refined (exact kernel column, so exact mean, and the variance given
  // its most correlated training points: O(n D)), exact (exact variance: O(n²)). The candidate
  // with the highest bound is refined next; when it is exact, no other can beat it, so only
  // candidates whose bound reaches the best EI are ever refined and the result is the exact
  // maximiser. Screened candidates are refined in batches (one kernel call).
  struct Entry {
    double bound;
    Eigen::Index index;
    bool refined;
  };
  const auto lower = [](const Entry& a, const Entry& b) {
    // Max-heap on the bound; ties: lower index first, so ties keep the first candidate.
    return a.bound < b.bound || (a.bound == b.bound && a.index > b.index);
  };
  std::vector<Entry> heap;
  heap.reserve(static_cast<std::size_t>(m));
  for (Eigen::Index j = 0; j < m; ++j) {
    const double k_max = std::max(screen_k_max_[j], 0.0);
    const double variance_bound = std::max(prior - k_max * k_max * inverse_diagonal, 0.0);
    const double bound =
        expected_improvement(screen_mean_[j] + screen_margin_[j], variance_bound, best, xi);
    if (bound > 0.0) heap.push_back({bound, j, false});
  }
  std::make_heap(heap.begin(), heap.end(), lower);
  Eigen::Index chosen_index = 0;
  double chosen_ei = -1.0;
  std::vector<Eigen::Index> batch;
  exact_means_.resize(m);
  while (!heap.empty() && !(heap.front().bound < chosen_ei)) {
    std::pop_heap(heap.begin(), heap.end(), lower);
    const Entry top = heap.back();
    heap.pop_back();
    if (top.refined) {
      // Exact variance: v = L⁻¹ k*; with fantasies w = C⁻¹ (k_f* − B v); var = s² − ‖v‖² − ‖w‖².
      column_ = exact_column(top.index);
      l_.topLeftCorner(n_, n_).triangularView<Eigen::Lower>().solveInPlace(column_);
      double explained = column_.squaredNorm();
      if (p_ > 0) {
        Eigen::MatrixXd w;
        kernel_matrix(hp_.kernel, fantasy_x_.topRows(p_), xs.row(top.index), w);
        w.noalias() -= fantasy_b_.topRows(p_) * column_;
        fantasy_c_.topLeftCorner(p_, p_).triangularView<Eigen::Lower>().solveInPlace(w);
        explained += w.squaredNorm();
      }
      const double ei =
          expected_improvement(exact_means_[top.index], std::max(prior - explained, 0.0), best, xi);
      if (ei > chosen_ei || (ei == chosen_ei && top.index < chosen_index)) {
        chosen_ei = ei;
        chosen_index = top.index;
      }
      continue;
    }
    // Refine this and the next screened candidates whose bounds can still win, together.
    batch.assign(1, top.index);
    for (std::size_t k = 0; k < heap.size() && batch.size() < kRefineBatch; ++k) {
      // Not in heap order beyond the top, but any member with a high enough bound will do.
      if (!heap[k].refined && !(heap[k].bound < chosen_ei)) batch.push_back(heap[k].index);
    }
    if (batch.size() > 1) {
      // Take them out of the heap (they come back refined).
      heap.erase(std::remove_if(heap.begin(), heap.end(),
                                [&batch](const Entry& entry) {
                                  return !entry.refined && std::find(batch.begin() + 1, batch.end(),
                                                                     entry.index) != batch.end();
                                }),
                 heap.end());
      std::make_heap(heap.begin(), heap.end(), lower);
    }
    const Eigen::Index b = static_cast<Eigen::Index>(batch.size());
    batch_rows_.resize(b, xs.cols());
    for (Eigen::Index i = 0; i < b; ++i) batch_rows_.row(i) = xs.row(batch[i]);
    exact_columns_.resize(n_, b);
    kernel_matrix_into(hp_.kernel, x_.topRows(n_), batch_rows_, exact_columns_, codes());
    for (Eigen::Index i = 0; i < b; ++i) {
      const Eigen::Index j = batch[static_cast<std::size_t>(i)];
      exact_column(j) = exact_columns_.col(i);
      exact_means_[j] = exact_columns_.col(i).dot(alpha);
      const double bound =
          expected_improvement(exact_means_[j], subset_variance(exact_columns_.col(i)), best, xi);
      if (bound > 0.0) {
        heap.push_back({bound, j, true});
        std::push_heap(heap.begin(), heap.end(), lower);
      }
    }
  }
  // EI underflowed everywhere (a very confident model): fall back to the highest exact mean.
  if (!(chosen_ei > 0.0)) {
    Eigen::VectorXd mean, variance_bound;
    score(xs, mean, variance_bound);
    mean.maxCoeff(&chosen_index);
  }
  return chosen_index;
}

double IncrementalGp::subset_variance(const Eigen::Ref<const Eigen::VectorXd>& k_star) {
  // The posterior variance given the most correlated training points only: conditioning on the
  // others as well can only lower it, so it bounds the exact variance (plus a relative slack of
  // 1e-9 against rounding).
  const int k = std::min(n_, kVarianceBoundPoints);
  // The k largest entries, largest first (ties: lower index first), by insertion into a short
  // sorted list: one comparison for most entries.
  subset_.clear();
  for (int i = 0; i < n_; ++i) {
    const double value = k_star[i];
    if (static_cast<int>(subset_.size()) == k && !(value > k_star[subset_.back()])) continue;
    if (static_cast<int>(subset_.size()) == k) subset_.pop_back();
    auto position = subset_.end();
    while (position != subset_.begin() && value > k_star[*(position - 1)]) --position;
    subset_.insert(position, i);
  }
  subset_gram_.resize(k, k);
  subset_k_.resize(k);
  for (int i = 0; i < k; ++i) {
    const int row = subset_[static_cast<std::size_t>(i)];
    subset_k_[i] = k_star[row];
    for (int j = 0; j < k; ++j) subset_gram_(i, j) = k_(row, subset_[static_cast<std::size_t>(j)]);
  }
  subset_gram_.diagonal().array() += jitter_;  // k_ holds the noise already
  const double prior = prior_variance();
  Eigen::LLT<Eigen::Ref<Eigen::MatrixXd>> llt(subset_gram_);
  if (llt.info() != Eigen::Success) {
    const double k_max = subset_k_[0];
    return std::max(prior - k_max * k_max / diagonal(), 0.0);
  }
  llt.matrixL().solveInPlace(subset_k_);
  return std::max(prior - subset_k_.squaredNorm(), 0.0) + 1e-9 * prior;
}

double IncrementalGp::max_target() const {
  return *std::max_element(y_raw_.begin(), y_raw_.begin() + n_);
}

}  // namespace nhb2::gp_bo
