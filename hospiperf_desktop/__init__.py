"""HospiPerf Desktop core: storage, services and calculators. Never imports Qt."""

__version__ = "0.1.0"
APP_NAME = "HospiPerf Desktop"
APP_ID = "hospiperf"
