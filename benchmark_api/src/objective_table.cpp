#include <nhb2/benchmark_api/objective_table.hpp>

#include <nhb2/core/constants.hpp>
#include <nhb2/core/error.hpp>
#include <nhb2/core/format.hpp>
#include <nhb2/core/model_size.hpp>

#include <algorithm>
#include <array>

namespace nhb2 {

namespace {

const std::array<ModelSize, kNumCells>& model_sizes() {
  static const std::array<ModelSize, kNumCells> sizes = [] {
    std::array<ModelSize, kNumCells> all{};
    for (int cell = 0; cell < kNumCells; ++cell) all[cell] = model_size(Cell::from_index(cell));
    return all;
  }();
  return sizes;
}

template <typename Lookup>
double over_seeds(const Benchmark& benchmark, int seed_index, Lookup lookup) {
  if (seed_index != kMeanOverSeeds) return lookup(seed_index);
  const int seeds = static_cast<int>(benchmark.seeds().size());
  double sum = 0.0;
  for (int s = 0; s < seeds; ++s) sum += lookup(s);
  return sum / seeds;
}

double test_accuracy(const Benchmark& benchmark, const Config& config, int seed_index) {
  return over_seeds(benchmark, seed_index,
                    [&](int s) { return benchmark.accuracy(config, Mode::test, kMaxEpochs, s); });
}

}  // namespace

double objective_value(const Benchmark& benchmark, ObjectiveKind objective, const Config& config,
                       int seed_index) {
  switch (objective) {
    case ObjectiveKind::valid_acc:
      return over_seeds(benchmark, seed_index, [&](int s) {
        return benchmark.accuracy(config, Mode::valid, kMaxEpochs, s);
      });
    case ObjectiveKind::cost:
      return over_seeds(benchmark, seed_index,
                        [&](int s) { return benchmark.cost(config, Mode::valid, kMaxEpochs, s); });
    case ObjectiveKind::params:
      return static_cast<double>(model_sizes()[config.cell_index()].params);
    case ObjectiveKind::flops:
      return model_sizes()[config.cell_index()].flops_millions;
  }
  return 0.0;
}

ObjectiveTable objective_table(const Benchmark& benchmark, const ObjectivePair& pair,
                               int seed_index) {
  ObjectiveTable table;
  table.pair = pair;
  table.seed_index = seed_index;
  table.valid_acc.resize(kNumConfigs);
  table.value.resize(kNumConfigs);
  // Straight from the columns, class by class (sequential reads), then copied to each
  // cellcode of the class: the same values as objective_value(), which the tests check, without a
  // Config per lookup (this loop is most of `nhb2 pareto`'s time).
  const Table& data = benchmark.table();
  const ColumnValues& valid = data.at(columns::kValidAcc).values;
  const ColumnValues& trainval = data.at(columns::kTotalTrainvalTime).values;
  const int first_seed = seed_index == kMeanOverSeeds ? 0 : seed_index;
  const int last_seed = seed_index == kMeanOverSeeds ? data.num_seeds() - 1 : seed_index;
  const double seeds = last_seed - first_seed + 1;
  const std::size_t per_class = kNumHyperparameterPairs;
  std::vector<double> class_accuracy(static_cast<std::size_t>(data.num_classes()) * per_class);
  std::vector<double> class_cost(class_accuracy.size());
  for (int class_index = 0; class_index < data.num_classes(); ++class_index) {
    for (int hp = 0; hp < kNumHyperparameterPairs; ++hp) {
      double accuracy = 0.0;
      double cost = 0.0;
      for (int s = first_seed; s <= last_seed; ++s) {
        accuracy += valid[data.epoch_row(class_index, hp, s, kMaxEpochs - 1)];
        cost += trainval[data.run_row(class_index, hp, s)];
      }
      const std::size_t k = static_cast<std::size_t>(class_index) * per_class + hp;
      class_accuracy[k] = seed_index == kMeanOverSeeds ? accuracy / seeds : accuracy;
      class_cost[k] = seed_index == kMeanOverSeeds ? cost / seeds : cost;
    }
  }
  const auto& sizes = model_sizes();
  for (int cell = 0; cell < kNumCells; ++cell) {
    const std::size_t from = static_cast<std::size_t>(data.class_of_cell()[cell]) * per_class;
    const std::size_t to = static_cast<std::size_t>(cell) * per_class;
    std::copy_n(class_accuracy.begin() + from, per_class, table.valid_acc.begin() + to);
    if (pair.minimised == ObjectiveKind::cost) {
      std::copy_n(class_cost.begin() + from, per_class, table.value.begin() + to);
    } else {
      const double size = pair.minimised == ObjectiveKind::params
                              ? static_cast<double>(sizes[cell].params)
                              : sizes[cell].flops_millions;
      std::fill_n(table.value.begin() + to, per_class, size);
    }
  }
  return table;
}

double normalised_hypervolume(const std::vector<Point2>& points, const ObjectivePair& pair) {
  const Point2 reference = {-pair.reference_accuracy, pair.reference_value};
  const double box = (100.0 - pair.reference_accuracy) * pair.reference_value;
  return hypervolume_2d(points, reference) / box;
}

ExactFront exact_front(const Benchmark& benchmark, const ObjectiveTable& table) {
  // Candidates: the cellcodes of one class share their accuracy at each (lr, batch size), so
  // only the one with the smallest value there (the lowest index on ties) can be on the front
  // or represent a front point; the others are dominated by or equal to it. This cuts the sort
  // from 196,608 points to classes x 48.
  const Table& data = benchmark.table();
  const std::size_t per_class = kNumHyperparameterPairs;
  std::vector<int> best(static_cast<std::size_t>(data.num_classes()) * per_class, -1);
  for (int cell = 0; cell < kNumCells; ++cell) {
    const std::size_t group = static_cast<std::size_t>(data.class_of_cell()[cell]) * per_class;
    for (int hp = 0; hp < kNumHyperparameterPairs; ++hp) {
      const int index = cell * kNumHyperparameterPairs + hp;
      int& current = best[group + static_cast<std::size_t>(hp)];
      if (current < 0 || table.value[static_cast<std::size_t>(index)] <
                             table.value[static_cast<std::size_t>(current)]) {
        current = index;
      }
    }
  }
  std::vector<int> candidates;
  for (int index : best) {
    if (index >= 0) candidates.push_back(index);
  }
  std::sort(candidates.begin(), candidates.end());
  std::vector<Point2> points(candidates.size());
  for (std::size_t k = 0; k < candidates.size(); ++k) points[k] = table.point(candidates[k]);
  ExactFront front;
  for (std::size_t k : pareto_front_2d(points)) {
    const int index = candidates[k];
    const std::size_t i = static_cast<std::size_t>(index);
    const FrontPoint point{index, table.valid_acc[i], table.value[i],
                           test_accuracy(benchmark, Config::from_index(index), table.seed_index)};
    if (!(point.valid_acc > table.pair.reference_accuracy) ||
        !(point.value < table.pair.reference_value)) {
      throw InvalidArgument(
          "reference (" + format_double(table.pair.reference_accuracy) + ", " +
          format_double(table.pair.reference_value) + ") does not bound the front of " +
          table.pair.text() + ": " + describe(Config::from_index(index)) + " has valid_acc " +
          format_double(point.valid_acc) + " and " + objective_name(table.pair.minimised) + " " +
          format_double(point.value) +
          "; allowed: a reference accuracy below every front "
          "point's and a reference " +
          objective_name(table.pair.minimised) + " above every front point's");
    }
    front.points.push_back(point);
  }
  // The front's hypervolume is the whole table's.
  std::vector<Point2> front_points;
  for (const FrontPoint& point : front.points)
    front_points.push_back({-point.valid_acc, point.value});
  front.hypervolume = normalised_hypervolume(front_points, table.pair);
  // pareto_front_2d orders by -valid_acc ascending; present accuracy ascending.
  std::reverse(front.points.begin(), front.points.end());
  return front;
}

}  // namespace nhb2
