// Tests of module Experiments live in this folder, one file per concept.
