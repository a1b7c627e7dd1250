// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDialog>

class QPlainTextEdit;

namespace satgpt {

/// Settings editor for the chat panel's quick prompts: one prompt per line, with a button that
/// restores the defaults. A prompt starting with "What changed" asks about two scenes. The app
/// opens it and stores the result (QSettings "chat/quickPrompts"). GUI thread only.
class QuickPromptsDialog final : public QDialog
{
    Q_OBJECT
public:
    QuickPromptsDialog(const QStringList &prompts, const QStringList &defaults, QWidget *parent = nullptr);
    /// The edited prompts, blank lines dropped.
    QStringList prompts() const;
    QPlainTextEdit *editor() const { return m_edit; }

private:
    QPlainTextEdit *m_edit = nullptr;
};

} // namespace satgpt
