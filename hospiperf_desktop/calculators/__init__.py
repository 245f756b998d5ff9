"""Calculators: logistics pooling and ROI, purchasing gains (PAAT), carbon, coordinated practice.

Each calculator is a pure function over typed inputs, with its parameters in a versioned file
of `resources/calculators/`.
"""
