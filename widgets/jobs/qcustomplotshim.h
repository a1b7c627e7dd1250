// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// qcustomplot.h uses Qt's keyword macros (signals, foreach), which QT_NO_KEYWORDS removes
// (needed for libtorch, pytorch/pytorch#19405). Map them to the Q_ spellings for this one
// header only. Include this instead of <qcustomplot.h>.
#ifdef SATGPT_HAVE_QCUSTOMPLOT
#include <QtGlobal>
#if defined(QT_NO_KEYWORDS)
#define signals Q_SIGNALS
#define slots Q_SLOTS
#define emit Q_EMIT
#define foreach Q_FOREACH
#include <qcustomplot.h>
#undef signals
#undef slots
#undef emit
#undef foreach
#else
#include <qcustomplot.h>
#endif
#endif
