// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/chat/quickpromptsdialog.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace satgpt {

QuickPromptsDialog::QuickPromptsDialog(const QStringList &prompts, const QStringList &defaults, QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Quick Prompts"));
    auto *layout = new QVBoxLayout(this);
    auto *hint = new QLabel(tr("One prompt per line. A prompt that starts with “What changed” asks about the top two "
                               "scenes and is offered while two scenes are open."),
                            this);
    hint->setWordWrap(true);
    layout->addWidget(hint);
    m_edit = new QPlainTextEdit(this);
    m_edit->setPlainText(prompts.join(QLatin1Char('\n')));
    layout->addWidget(m_edit, 1);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel | QDialogButtonBox::RestoreDefaults, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(buttons->button(QDialogButtonBox::RestoreDefaults), &QPushButton::clicked, this,
            [this, defaults] { m_edit->setPlainText(defaults.join(QLatin1Char('\n'))); });
    layout->addWidget(buttons);
    resize(420, 280);
}

QStringList QuickPromptsDialog::prompts() const
{
    QStringList out;
    for (const QString &line : m_edit->toPlainText().split(QLatin1Char('\n')))
        if (!line.trimmed().isEmpty())
            out << line.trimmed();
    return out;
}

} // namespace satgpt
