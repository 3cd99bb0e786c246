#!/usr/bin/env bash
# Formats the Swift sources with the toolchain's `swift format` and the repository's
# .swift-format (120 columns); .ci/run checks that nothing is left to format.
set -euo pipefail
cd "$(dirname "$0")/.."
swift format format --in-place --recursive --parallel Sources Tests Package.swift
