// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal to core/ml: what the fused encoder (encoderkernels.h) and decode step
// (decodekernels.h) share, torch-free.

#include <cstdint>
#include <string>

namespace satgpt::ml::detail {

enum class Activation { GeluErf, GeluTanh, Relu };

/// HF's activation names: "gelu" is the exact erf form, "relu" is relu, and everything else
/// ("gelu_new", "gelu_pytorch_tanh", ...) the tanh form, as detail::activation computes them.
inline Activation activationFromName(const std::string &name)
{
    if (name == "gelu")
        return Activation::GeluErf;
    if (name == "relu")
        return Activation::Relu;
    return Activation::GeluTanh;
}

/// Layer norm of one row of n floats into out (two passes, as ATen's), after adding
/// pendingBias (per column, if not null) to the row in place: the bias of the product that
/// just added its branch to the residual stream.
void normalizeRow(float *x, int64_t n, const float *pendingBias, const float *gamma, const float *beta, float eps,
                  float *out);

/// Softmax of each of `rows` rows of `cols` floats, in place, vectorised (exp from Cephes'
/// polynomial, relative error ~2e-7).
void softmaxRows(float *s, int64_t rows, int64_t cols);

/// row[0..n) = activation(row + bias[0..n)), vectorised: erf from Abramowitz & Stegun 7.1.26
/// (as ATen's vectorised GELU), tanh from the same exp (absolute error below 1e-6).
void biasActivateColumns(float *row, int64_t n, const float *bias, Activation activation);

} // namespace satgpt::ml::detail
