// Tests of module Data live in this folder, one file per concept.
