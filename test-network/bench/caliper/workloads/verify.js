'use strict';
// Round verify: Verify of commissioned units, evaluated on the Retailer's peer (point of sale).
const { WorkloadModuleBase } = require('@hyperledger/caliper-core');
const { MSP, request, call, ensureMembers, registerProduct, unitCode, productionDate } = require('./lib');

class Verify extends WorkloadModuleBase {
    async initializeWorkloadModule(workerIndex, totalWorkers, roundIndex, roundArguments, sutAdapter, sutContext) {
        await super.initializeWorkloadModule(workerIndex, totalWorkers, roundIndex, roundArguments, sutAdapter, sutContext);
        await ensureMembers(sutAdapter);
        const gtin = await registerProduct(sutAdapter);
        const units = roundArguments.units || 100;
        this.codes = [];
        for (let i = 1; i <= units; i++) {
            this.codes.push(unitCode(gtin, 'V' + String(i).padStart(9, '0')));
        }
        const req = { gtin, batch: 'V' + gtin.slice(7, 12), productionDate: productionDate(), codes: this.codes };
        await call(sutAdapter, MSP.manufacturer, 'Commission', [JSON.stringify(req)]);
        this.n = 0;
    }

    async submitTransaction() {
        const code = this.codes[this.n++ % this.codes.length];
        await this.sutAdapter.sendRequests(request(MSP.retailer, 'Verify', [code], { readOnly: true }));
    }
}

module.exports.createWorkloadModule = () => new Verify();
