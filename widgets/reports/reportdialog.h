// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/reports/reportdata.h"
#include "core/reports/reportoptions.h"

#include <QDialog>
#include <QPointer>

#include <memory>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QTimer;
class QVBoxLayout;

namespace satgpt {

class ReportJob;

/// File > Export Report: choose sections, questions, regions and paper; see the first pages
/// in a preview that follows the choices; export PDF (and HTML) with progress. Takes a
/// ReportData snapshot on construction (training charts drawn here with QCustomPlot, on the GUI
/// thread); preview and export run as ReportJobs on worker threads, and a newer preview cancels
/// an older one. Reports outcomes through messageRaised; the app shows them. GUI thread.
class ReportDialog final : public QDialog
{
    Q_OBJECT
public:
    explicit ReportDialog(ReportData data, QWidget *parent = nullptr);
    ~ReportDialog() override;

    /// The options the controls describe now.
    ReportOptions options() const;
    /// Writes the report to `pdfPath` (and `htmlPath` when not empty) in the background; the
    /// Export button calls it after asking for a file.
    void exportTo(const QString &pdfPath, const QString &htmlPath);
    /// Pages shown in the preview (0 until the first preview job finished).
    int previewPageCount() const { return m_previewPages; }
    bool isExporting() const { return !m_exportJob.isNull(); }

Q_SIGNALS:
    void messageRaised(const QString &title, const QString &text, QtMsgType severity);
    void previewUpdated(int pageCount);
    void exportFinished(bool ok, const QString &path);

private:
    void schedulePreview();
    void startPreview();
    void chooseAndExport();
    void setBusy(bool busy);

    ReportData m_data;
    QLineEdit *m_title = nullptr;
    QLineEdit *m_author = nullptr;
    QComboBox *m_paper = nullptr;
    QVector<QPair<ReportOptions::Section, QCheckBox *>> m_sections;
    QListWidget *m_questions = nullptr;
    QListWidget *m_regions = nullptr;
    QCheckBox *m_html = nullptr;
    QPushButton *m_export = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_status = nullptr;
    QLabel *m_pagesLabel = nullptr;
    QVBoxLayout *m_previewLayout = nullptr;
    QTimer *m_previewTimer = nullptr;
    QPointer<ReportJob> m_previewJob;
    QPointer<ReportJob> m_exportJob;
    int m_previewPages = 0;
};

} // namespace satgpt
