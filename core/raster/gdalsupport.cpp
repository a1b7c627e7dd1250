// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/raster/gdalsupport.h"

#include "core/jobs/job.h"

#include <cpl_conv.h>
#include <cpl_error.h>

#include <mutex>

namespace satgpt::detail {

void ensureGdal()
{
    static std::once_flag s_once;
    std::call_once(s_once, [] {
        if (GDALGetDriverCount() == 0)
            GDALAllRegister();
        if (!CPLGetConfigOption("GDAL_CACHEMAX", nullptr))
            GDALSetCacheMax64(GIntBig(512) * 1024 * 1024);
    });
}

GdalErrorCapture::GdalErrorCapture()
{
    CPLErrorReset();
    CPLPushErrorHandlerEx(&GdalErrorCapture::handler, this);
}

GdalErrorCapture::~GdalErrorCapture() { CPLPopErrorHandler(); }

void CPL_STDCALL GdalErrorCapture::handler(CPLErr cls, CPLErrorNum num, const char *msg)
{
    auto *self = static_cast<GdalErrorCapture *>(CPLGetErrorHandlerUserData());
    if (!self)
        return;
    const QString text = QString::fromUtf8(msg ? msg : "").trimmed();
    if (cls == CE_Failure || cls == CE_Fatal) {
        // Corrupt files can repeat one error per block; keep the log readable.
        if (self->m_errors.size() < 20 && !self->m_errors.contains(text))
            self->m_errors << text;
    } else if (cls == CE_Warning) {
        if (self->m_warnings.size() < 20 && !self->m_warnings.contains(text))
            self->m_warnings << text;
    }
    (void)num;
}

std::string GdalErrorCapture::detail() const
{
    if (!m_errors.isEmpty())
        return m_errors.join(QStringLiteral("; ")).toStdString();
    const char *last = CPLGetLastErrorMsg();
    if (last && *last)
        return last;
    if (!m_warnings.isEmpty())
        return m_warnings.join(QStringLiteral("; ")).toStdString();
    return {};
}

void GdalErrorCapture::clear()
{
    m_errors.clear();
    m_warnings.clear();
    CPLErrorReset();
}

PixelType pixelTypeFromGdal(GDALDataType type)
{
    switch (type) {
    case GDT_Byte: return PixelType::Byte;
#if GDAL_VERSION_NUM >= 3070000
    case GDT_Int8: return PixelType::Int8;
#endif
    case GDT_UInt16: return PixelType::UInt16;
    case GDT_Int16: return PixelType::Int16;
    case GDT_UInt32: return PixelType::UInt32;
    case GDT_Int32: return PixelType::Int32;
#if GDAL_VERSION_NUM >= 3050000
    case GDT_UInt64: return PixelType::UInt64;
    case GDT_Int64: return PixelType::Int64;
#endif
    case GDT_Float32: return PixelType::Float32;
    case GDT_Float64: return PixelType::Float64;
    case GDT_CInt16: return PixelType::CInt16;
    case GDT_CInt32: return PixelType::CInt32;
    case GDT_CFloat32: return PixelType::CFloat32;
    case GDT_CFloat64: return PixelType::CFloat64;
    default: break;
    }
    return PixelType::Unknown;
}

bool isComplex(PixelType type)
{
    return type == PixelType::CInt16 || type == PixelType::CInt32 || type == PixelType::CFloat32
        || type == PixelType::CFloat64;
}

int CPL_STDCALL feedbackProgress(double complete, const char *, void *data)
{
    auto *feedback = static_cast<Feedback *>(data);
    if (!feedback)
        return TRUE;
    if (feedback->isCanceled())
        return FALSE;
    feedback->setProgress(complete);
    return TRUE;
}

} // namespace satgpt::detail
