// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal to core/raster: small adapters between GDAL and our types. Not installed, never
// included outside core.

#include "core/base/result.h"
#include "core/raster/rastertypes.h"

#include <QString>
#include <QStringList>

#include <gdal.h>

namespace satgpt {
class Feedback;
}

namespace satgpt::detail {

/// Registers GDAL's drivers and sets a block cache size once per process (idempotent, thread-safe).
/// GDAL_CACHEMAX from the environment wins; otherwise 512 MiB, enough for a screen of 256-px
/// UInt16 tiles at several zoom levels without growing unbounded.
void ensureGdal();

/// Collects GDAL's error messages raised on this thread while it lives. GDAL's handler stack is
/// thread-local, so concurrent readers on other threads do not see each other's messages; the
/// messages stop GDAL from printing to stderr as a side effect.
class GdalErrorCapture final
{
public:
    GdalErrorCapture();
    ~GdalErrorCapture();
    GdalErrorCapture(const GdalErrorCapture &) = delete;
    GdalErrorCapture &operator=(const GdalErrorCapture &) = delete;

    /// Failures (and fatal errors) seen so far, oldest first.
    const QStringList &errors() const { return m_errors; }
    const QStringList &warnings() const { return m_warnings; }
    bool hasErrors() const { return !m_errors.isEmpty(); }
    /// The most useful text for Error::detail: the errors joined, else GDAL's last message.
    std::string detail() const;
    void clear();

private:
    static void CPL_STDCALL handler(CPLErr cls, CPLErrorNum num, const char *msg);
    QStringList m_errors;
    QStringList m_warnings;
};

PixelType pixelTypeFromGdal(GDALDataType type);
bool isComplex(PixelType type);

/// A GDALProgressFunc whose user data is a satgpt::Feedback (may be null): forwards progress
/// and returns FALSE once the feedback is canceled, which makes GDAL stop.
int CPL_STDCALL feedbackProgress(double complete, const char *message, void *feedback);

inline std::string toStd(const QString &s) { return s.toStdString(); }

} // namespace satgpt::detail
