'use strict';
// Round baseline-get: Get of the tracebench chaincode evaluated on the Retailer's peer, the network's read ceiling.
const { WorkloadModuleBase } = require('@hyperledger/caliper-core');
const { BENCH_CONTRACT, MSP, request } = require('./lib');

class BaselineGet extends WorkloadModuleBase {
    async initializeWorkloadModule(workerIndex, totalWorkers, roundIndex, roundArguments, sutAdapter, sutContext) {
        await super.initializeWorkloadModule(workerIndex, totalWorkers, roundIndex, roundArguments, sutAdapter, sutContext);
        const keys = roundArguments.keys || 100;
        this.keys = [];
        const prefix = `caliper-get-${Date.now().toString(36)}-${workerIndex}-`;
        const writes = [];
        for (let i = 0; i < keys; i++) {
            this.keys.push(prefix + i);
            writes.push(sutAdapter.sendRequests(request(MSP.manufacturer, 'Put', [prefix + i, 'value-' + i], { contractId: BENCH_CONTRACT })));
        }
        await Promise.all(writes);
        this.n = 0;
    }

    async submitTransaction() {
        const key = this.keys[this.n++ % this.keys.length];
        await this.sutAdapter.sendRequests(request(MSP.retailer, 'Get', [key], { contractId: BENCH_CONTRACT, readOnly: true }));
    }
}

module.exports.createWorkloadModule = () => new BaselineGet();
