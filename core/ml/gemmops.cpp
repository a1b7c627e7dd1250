// SPDX-License-Identifier: GPL-3.0-or-later
#include "gemmops.h"

#include "gemm.h"

#include <vector>

namespace satgpt::ml::detail {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

bool isFloatCpu(const torch::Tensor &t) { return t.defined() && t.is_cpu() && t.scalar_type() == torch::kFloat; }

/// How BLAS reads the last two dimensions of `t`: row-major (as is) or column-major (transposed).
struct MatrixLayout {
    bool transposed = false;
    int64_t ld = 0;
};

bool matrixLayout(const torch::Tensor &t, MatrixLayout &out)
{
    const int64_t rows = t.size(-2), cols = t.size(-1);
    const int64_t rowStride = t.stride(-2), colStride = t.stride(-1);
    if (colStride == 1 || cols == 1) {
        out = {false, rows == 1 ? std::max<int64_t>(cols, 1) : rowStride};
        return out.ld >= cols;
    }
    if (rowStride == 1 || rows == 1) {
        out = {true, cols == 1 ? std::max<int64_t>(rows, 1) : colStride};
        return out.ld >= rows;
    }
    return false;
}

/// Element offsets of each batch item (all dimensions but the last two) of `t`.
std::vector<int64_t> batchOffsets(const torch::Tensor &t)
{
    const int64_t dims = t.dim() - 2;
    int64_t count = 1;
    for (int64_t d = 0; d < dims; ++d)
        count *= t.size(d);
    std::vector<int64_t> offsets(static_cast<size_t>(count));
    for (int64_t i = 0; i < count; ++i) {
        int64_t rest = i, offset = 0;
        for (int64_t d = dims - 1; d >= 0; --d) {
            offset += (rest % t.size(d)) * t.stride(d);
            rest /= t.size(d);
        }
        offsets[static_cast<size_t>(i)] = offset;
    }
    return offsets;
}

/// alpha · a · b into a new contiguous tensor; a and b as gemmMatmul takes them, already checked.
torch::Tensor batchedProduct(torch::Tensor a, torch::Tensor b, double alpha)
{
    MatrixLayout la, lb;
    if (!matrixLayout(a, la)) {
        a = a.contiguous();
        matrixLayout(a, la);
    }
    if (!matrixLayout(b, lb)) {
        b = b.contiguous();
        matrixLayout(b, lb);
    }
    auto sizes = a.sizes().vec();
    const int64_t m = a.size(-2), k = a.size(-1), n = b.size(-1);
    sizes.back() = n;
    auto c = torch::empty(sizes, a.options().requires_grad(false));
    if (c.numel() == 0)
        return c;
    if (k == 0)
        return c.zero_();
    const auto aOff = batchOffsets(a), bOff = batchOffsets(b);
    std::vector<int64_t> cOff(aOff.size());
    for (size_t i = 0; i < cOff.size(); ++i)
        cOff[i] = static_cast<int64_t>(i) * m * n;
    const float *ap = a.data_ptr<float>(), *bp = b.data_ptr<float>();
    float *cp = c.data_ptr<float>();
    if (cOff.size() == 1)
        fastSgemm(la.transposed, lb.transposed, m, n, k, float(alpha), ap + aOff[0], la.ld, bp + bOff[0], lb.ld, 0.f, cp, n);
    else
        fastSgemmBatch(static_cast<int64_t>(cOff.size()), la.transposed, lb.transposed, m, n, k, float(alpha), ap,
                       aOff.data(), la.ld, bp, bOff.data(), lb.ld, 0.f, cp, cOff.data(), n);
    return c;
}

/// y = x2 · op(W) (+ b) for x2 [M, in] contiguous.
torch::Tensor linearProduct(const torch::Tensor &x2, const torch::Tensor &w, const torch::Tensor &b, bool inOut)
{
    const int64_t rows = x2.size(0), in = x2.size(1), out = inOut ? w.size(1) : w.size(0);
    torch::Tensor y;
    float beta = 0.f;
    if (b.defined() && b.numel() == out) {
        y = b.detach().expand({rows, out}).contiguous();
        beta = 1.f;
    } else {
        y = torch::empty({rows, out}, x2.options().requires_grad(false));
    }
    fastSgemm(false, !inOut, rows, out, in, 1.f, x2.data_ptr<float>(), in, w.data_ptr<float>(), inOut ? out : in, beta,
              y.data_ptr<float>(), out);
    return y;
}

struct LinearFunction : torch::autograd::Function<LinearFunction>
{
    // `b` is a zero-element tensor when the layer has no bias: Function::apply needs defined inputs.
    static torch::Tensor forward(AutogradContext *ctx, const torch::Tensor &x2, const torch::Tensor &w,
                                 const torch::Tensor &b, bool inOut)
    {
        ctx->save_for_backward({x2, w});
        ctx->saved_data["inOut"] = inOut;
        return linearProduct(x2, w, b, inOut);
    }

    static variable_list backward(AutogradContext *ctx, variable_list grads)
    {
        const auto saved = ctx->get_saved_variables();
        const auto &x2 = saved[0], &w = saved[1];
        const bool inOut = ctx->saved_data["inOut"].toBool();
        const auto dy = grads[0].contiguous();
        const int64_t rows = x2.size(0), in = x2.size(1), out = dy.size(1);
        torch::Tensor dx, dw, db;
        if (ctx->needs_input_grad(0)) {
            // dx = dy · Wᵀ for W [in, out]; dy · W for W [out, in].
            dx = torch::empty({rows, in}, dy.options());
            fastSgemm(false, inOut, rows, in, out, 1.f, dy.data_ptr<float>(), out, w.data_ptr<float>(), inOut ? out : in,
                      0.f, dx.data_ptr<float>(), in);
        }
        if (ctx->needs_input_grad(1)) {
            if (inOut) { // dW [in, out] = x2ᵀ · dy
                dw = torch::empty({in, out}, dy.options());
                fastSgemm(true, false, in, out, rows, 1.f, x2.data_ptr<float>(), in, dy.data_ptr<float>(), out, 0.f,
                          dw.data_ptr<float>(), out);
            } else { // dW [out, in] = dyᵀ · x2
                dw = torch::empty({out, in}, dy.options());
                fastSgemm(true, false, out, in, rows, 1.f, dy.data_ptr<float>(), out, x2.data_ptr<float>(), in, 0.f,
                          dw.data_ptr<float>(), in);
            }
        }
        if (ctx->needs_input_grad(2))
            db = dy.sum(0);
        return {dx, dw, db, torch::Tensor()};
    }
};

struct MatmulFunction : torch::autograd::Function<MatmulFunction>
{
    static torch::Tensor forward(AutogradContext *ctx, const torch::Tensor &a, const torch::Tensor &b, double alpha)
    {
        ctx->save_for_backward({a, b});
        ctx->saved_data["alpha"] = alpha;
        return batchedProduct(a, b, alpha);
    }

    static variable_list backward(AutogradContext *ctx, variable_list grads)
    {
        const auto saved = ctx->get_saved_variables();
        const double alpha = ctx->saved_data["alpha"].toDouble();
        const auto &dc = grads[0];
        torch::Tensor da, db;
        if (ctx->needs_input_grad(0))
            da = batchedProduct(dc, saved[1].transpose(-1, -2), alpha);
        if (ctx->needs_input_grad(1))
            db = batchedProduct(saved[0].transpose(-1, -2), dc, alpha);
        return {da, db, torch::Tensor()};
    }
};

bool recordsGraph(std::initializer_list<const torch::Tensor *> inputs)
{
    if (!torch::GradMode::is_enabled())
        return false;
    for (const auto *t : inputs)
        if (t->defined() && t->requires_grad())
            return true;
    return false;
}

} // namespace

torch::Tensor gemmLinear(const torch::Tensor &x, const torch::Tensor &w, const torch::Tensor &b, WeightLayout layout)
{
    const bool inOut = layout == WeightLayout::InOut;
    // A column-major weight (the ViT's, vitmodel.h) is the other layout's contiguous matrix; its
    // gradient reaches w through the transpose view.
    if (w.dim() == 2 && !w.is_contiguous() && w.t().is_contiguous())
        return gemmLinear(x, w.t(), b, inOut ? WeightLayout::OutIn : WeightLayout::InOut);
    if (!fastGemmAvailable() || !isFloatCpu(x) || !isFloatCpu(w) || w.dim() != 2 || !w.is_contiguous() || x.dim() < 1)
        return {};
    const int64_t in = inOut ? w.size(0) : w.size(1), out = inOut ? w.size(1) : w.size(0);
    if (in <= 0 || out <= 0 || x.size(-1) != in || x.numel() < 2 * in || (b.defined() && (!isFloatCpu(b) || b.numel() != out)))
        return {};
    auto sizes = x.sizes().vec();
    sizes.back() = out;
    const auto x2 = x.reshape({-1, in}).contiguous();
    if (!recordsGraph({&x, &w, &b}))
        return linearProduct(x2, w, b, inOut).view(sizes);
    const auto bias = b.defined() ? b : torch::empty({0}, w.options().requires_grad(false));
    return LinearFunction::apply(x2, w, bias, inOut).view(sizes);
}

torch::Tensor gemmMatmul(const torch::Tensor &a, const torch::Tensor &b, double alpha)
{
    if (!fastGemmAvailable() || !isFloatCpu(a) || !isFloatCpu(b) || a.dim() < 2 || a.dim() != b.dim() ||
        a.size(-1) != b.size(-2))
        return {};
    for (int64_t d = 0; d + 2 < a.dim(); ++d)
        if (a.size(d) != b.size(d))
            return {};
    if (!recordsGraph({&a, &b}))
        return batchedProduct(a, b, alpha);
    return MatmulFunction::apply(a, b, alpha);
}

} // namespace satgpt::ml::detail
