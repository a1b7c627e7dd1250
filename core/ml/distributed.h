// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Multi-process data parallelism through libtorch's own c10d (Gloo on CPU, NCCL on CUDA): the
// launch convention (torchrun's environment, overridable by flags) and a small process group the
// trainer uses to average gradients. docs/distributed.md describes the convention.
// The header stays torch-free (tensors are only forward-declared) so the CLI can include it.

#include "core/base/result.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace at {
class Tensor;
}

namespace satgpt::ml {

/// Where this process sits in a data-parallel job. worldSize 1 (the default) is a plain
/// single-process run and needs no c10d at all.
struct DistributedConfig
{
    int rank = 0;
    int worldSize = 1;
    int localRank = 0;                    ///< GPU index on this node (LOCAL_RANK)
    std::string masterAddr = "127.0.0.1"; ///< host of rank 0, which serves the TCPStore
    int masterPort = 29500;
    std::string backend = "auto";         ///< "auto" (NCCL on CUDA, else Gloo), "gloo" or "nccl"
    int timeoutSeconds = 1800;            ///< rendezvous and collective timeout

    bool isDistributed() const { return worldSize > 1; }
    bool isMain() const { return rank == 0; }

    /// RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT (torchrun's names) from the
    /// environment; absent variables keep the defaults. Malformed values are an error.
    static Result<DistributedConfig> fromEnvironment();
    /// Range checks (rank in [0, worldSize), port in [1, 65535]).
    Status validate() const;
};

/// The c10d backends this build was compiled with ("gloo", "nccl"); empty when the libtorch it
/// was built against has no c10d headers (then only worldSize 1 runs).
std::vector<std::string> distributedBackends();

/// A joined process group. Created by connect(), which blocks until all worldSize processes have
/// met at masterAddr:masterPort (rank 0 serves the store). Every method is a collective: all
/// ranks must call it in the same order. Used by one thread; not copyable.
class DataParallelGroup final
{
public:
    /// `cuda`: the tensors live on the CUDA device LOCAL_RANK (selects NCCL under "auto").
    static Result<std::unique_ptr<DataParallelGroup>> connect(const DistributedConfig &config, bool cuda);
    ~DataParallelGroup();
    DataParallelGroup(const DataParallelGroup &) = delete;
    DataParallelGroup &operator=(const DataParallelGroup &) = delete;

    int rank() const;
    int worldSize() const;
    std::string backend() const;

    // Errors (a peer died, a timeout) come back as Status; the group is unusable afterwards.

    /// Sums each tensor over all ranks, in place (one collective per tensor).
    Status allReduceSum(const std::vector<at::Tensor> &tensors);
    /// Element-wise maximum over all ranks, in place.
    Status allReduceMax(const at::Tensor &tensor);
    /// Sums the gradients of `parameters` over all ranks, in place, through one flat buffer per
    /// dtype and device (one collective each instead of one per tensor). Undefined gradients (a
    /// rank whose slice of the batch was empty) count as zeros and are defined afterwards, unless
    /// no rank has one: then the parameter stays without a gradient everywhere.
    Status allReduceGradients(const std::vector<at::Tensor> &parameters);
    /// Copies rank 0's values of `tensors` to every rank, in place.
    Status broadcastFromMain(const std::vector<at::Tensor> &tensors);
    Status barrier();

private:
    DataParallelGroup();
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace satgpt::ml
