"""Signed export bundles for the ARS: keys, the BagIt bundle, its verification."""
