// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal to core/ml (includes libtorch): reading and writing named tensors.

#include "core/base/result.h"

#include <torch/torch.h>

#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace satgpt::ml {

/// Named tensors, keeping the order they were read or inserted in.
struct TensorMap
{
    std::vector<std::string> names;
    std::unordered_map<std::string, torch::Tensor> tensors;

    void insert(const std::string &name, torch::Tensor tensor)
    {
        if (tensors.find(name) == tensors.end())
            names.push_back(name);
        tensors[name] = std::move(tensor);
    }
    bool contains(const std::string &name) const { return tensors.count(name) != 0; }
    const torch::Tensor &at(const std::string &name) const { return tensors.at(name); }
    size_t size() const { return names.size(); }
};

/// safetensors (https://huggingface.co/docs/safetensors): memory-mapped read of F64/F32/F16/BF16
/// and integer tensors. The header is bounded (100 MB) and validated (offsets inside the file,
/// contiguous, sizes match dtype x shape) before any tensor is touched; errors name the file.
/// Tensors are copied out of the mapping, so they own their memory (writable, independent of the
/// file; the mapping is released before returning). Headers listed in file order.
Result<TensorMap> readSafetensors(const std::string &path);
/// As above, also returning the header's `__metadata__` (string -> string) when `metadata` is set.
Result<TensorMap> readSafetensors(const std::string &path, std::map<std::string, std::string> *metadata);
/// Writes atomically (temporary file + rename), in the layout the reference implementation uses:
/// compact JSON, `__metadata__` first (omitted when empty), tensors by descending dtype then name,
/// header padded with spaces to a multiple of 8. Non-contiguous or non-CPU tensors are copied.
Status writeSafetensors(const std::string &path, const TensorMap &tensors,
                        const std::map<std::string, std::string> &metadata = {{"format", "pt"}});
/// The bytes writeSafetensors() would write (for in-memory use and tests). `pathForErrors` only
/// names the destination in error messages.
Result<std::vector<unsigned char>> serializeSafetensors(const TensorMap &tensors,
                                                        const std::map<std::string, std::string> &metadata,
                                                        const std::string &pathForErrors = {});

/// A `torch.save` zip checkpoint (pytorch_model.bin) read without executing anything: only the
/// pickle opcodes and globals a state dict needs are accepted (like weights_only=True).
Result<TensorMap> readPytorchBin(const std::string &path);

/// Sniffs the file's content (not its name) and reads it with the right reader; TorchScript
/// archives and arbitrary pickles are refused with an explanation.
Result<TensorMap> readCheckpointFile(const std::string &path);

} // namespace satgpt::ml
