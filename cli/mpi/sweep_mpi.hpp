#pragma once
// MPI transport of `nhb2 sweep` (built with the CMake option NHB2_MPI; only the nhb2 executable
// links MPI, never the libraries).
//
// Under `mpirun -n P` (P > 1), rank 0 plans the sweep, hands out runs one at a time and writes
// every checkpoint and output; ranks 1 .. P-1 compute the runs they are given and send each
// record back as checkpoint text (sweep_results.hpp), which is exact, so the outputs equal those
// of `--jobs 1`. Rank 0 drives each worker rank from its own thread (dynamic distribution: a rank
// that finishes gets the next run; each holds up to kSlotsPerWorker runs at once). A dead rank ends
// the job (mpirun's default); the checkpoints written until then stay and `--resume` runs the rest.

#include <nhb2/experiments/sweep_results.hpp>

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace nhb2::cli {

class MpiSweep {
 public:
  // Tasks a worker rank holds at once: while it computes one, the next is already there, so
  // that it never waits for rank 0 to write a checkpoint.
  static constexpr int kSlotsPerWorker = 2;

  // Initializes MPI when this process was started by mpirun with more than one rank (it reads
  // the launcher's environment); otherwise does nothing and active() is false.
  MpiSweep();
  // Rank 0 tells the worker ranks to stop (if it has not); every rank finalizes MPI.
  ~MpiSweep();
  MpiSweep(const MpiSweep&) = delete;
  MpiSweep& operator=(const MpiSweep&) = delete;

  bool active() const { return size_ > 1; }
  int rank() const { return rank_; }
  int size() const { return size_; }

  // Rank 0, from thread `thread` in [0, kSlotsPerWorker * (size - 1)): runs task `job` on rank
  // thread / kSlotsPerWorker + 1 and returns its record. A failure on that rank is rethrown here as
  // Error with its message.
  RunRecord run_remote(std::size_t job, int thread, const std::vector<int>& report_epochs);
  // Rank 0: tells every worker rank to stop.
  void stop_workers();
  // Ranks > 0: answers tasks with compute(job) (checkpoint text; an Error's message is sent back
  // as a failure) until rank 0 says stop.
  void serve(const std::function<std::string(std::size_t job)>& compute);

 private:
  int rank_ = 0;
  int size_ = 1;
  bool stopped_ = false;
};

}  // namespace nhb2::cli
